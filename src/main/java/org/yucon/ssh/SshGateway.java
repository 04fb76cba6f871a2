package org.yucon.ssh;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.yucon.auth.PasswordCheck;
import org.yucon.config.AccountBook;
import org.yucon.config.GatewaySettings;
import org.yucon.config.LoginLimits;
import org.yucon.fleet.Fleet;
import org.yucon.guest.Guests;
import org.yucon.metrics.Metrics;
import org.yucon.recording.Recordings;
import org.yucon.tui.MenuTicker;

/**
 * The SSH endpoint: MINA SSHD set up to offer exactly our menu, consoles and verbs. Everything else SSH can do
 * (port, agent and X11 forwarding, subsystems such as sftp, channels other than sessions, keyboard-interactive
 * and host-based logins, the JVM user's own authorized_keys that MINA's defaults would read) is switched off here.
 */
public final class SshGateway implements AutoCloseable {
    private final SshServer server = SshServer.setUpDefaultServer();
    private final AuditLog audit;
    private final Metrics metrics;

    /**
     * {@code sessions}: the pool that runs the sessions' steps (see GatewaySession); {@code passwords}: the check the
     * web page shares.
     */
    public SshGateway(GatewaySettings settings, AccountBook accounts, Guests guests, ScheduledExecutorService scheduler,
                      Executor sessions, KeyPairProvider hostKeys, AuditLog audit, PasswordCheck passwords, Metrics metrics,
                      Recordings recordings, Fleet fleet) {
        this.audit = audit;
        this.metrics = metrics;
        server.setHost(settings.listenAddress());
        server.setPort(settings.port());
        server.setKeyPairProvider(hostKeys);
        server.setIoServiceFactoryFactory(new DirectNio2Transport());
        PacketsInFlight.countOn(server);
        ciphers();
        authentication(new AccountAuthenticator(accounts, passwords, audit, settings.fleet()));
        MenuTicker menus = new MenuTicker(guests, scheduler, sessions, settings.fleet().hostName(), fleet::sight);
        fleet.onChange(menus::changed);
        onlyOurSessions(new GatewayContext(guests, accounts, settings, scheduler, sessions, menus, audit, metrics, recordings, fleet),
                settings.limits());
        limits(settings.limits(), scheduler);
    }

    public void start() throws IOException {
        server.start();
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }

    /**
     * AES only: the JDK runs AES on the CPU's AES instructions (measured here: AES-GCM 4 GB/s, AES-CTR with
     * HMAC-SHA2-256 1 GB/s), while MINA's ChaCha20-Poly1305 is plain Java (190 MB/s) and was half the gateway's CPU
     * under a console flood. SSH takes the client's first choice that the server offers, so the order here decides
     * nothing: OpenSSH lists ChaCha20 first, then AES-CTR, then GCM, and not offering ChaCha20 is the only way to
     * keep clients off it. CTR stays for clients without GCM (PuTTY before 0.76), and so OpenSSH takes CTR.
     */
    private void ciphers() {
        server.setCipherFactories(List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm,
                BuiltinCiphers.aes128ctr, BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr));
    }

    private void authentication(AccountAuthenticator auth) {
        server.setPasswordAuthenticator(auth);
        server.setPublickeyAuthenticator(auth);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
    }

    private void onlyOurSessions(GatewayContext context, LoginLimits limits) {
        PeerSessions route = new PeerSessions(context);
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        server.setAgentFactory(null);
        server.setSubsystemFactories(List.of());
        // Session channels only, bounded in number and environment: no direct-tcpip or other channel type exists here.
        server.setChannelFactories(List.of(new ChannelSessionFactory() {
            @Override
            public Channel createChannel(Session session) {
                return new RestrictedChannelSession(limits);
            }
        }));
        server.setShellFactory(channel -> route.command(channel, Optional.empty()));
        server.setCommandFactory((channel, command) -> route.command(channel, Optional.of(command)));
    }

    private void limits(LoginLimits limits, ScheduledExecutorService scheduler) {
        ConnectionAdmission admission = new ConnectionAdmission(limits.sessionsTotal(), limits.startups(), () -> ThreadLocalRandom.current().nextInt(100));
        server.addSessionListener(new ConnectionGate(admission, new RefusalLog(audit, scheduler, Duration.ofSeconds(10)),
                new SessionAudit(audit, metrics)));
        // Keystroke echo needs Nagle off (44 ms round trips otherwise, FIELD-NOTES).
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        // Off by default: somebody watching a quiet console is not idle; client keepalives handle dead peers.
        CoreModuleProperties.IDLE_TIMEOUT.set(server, limits.idleTimeout());
        // A viewer's pump thread may wait for a stalled client as long as it likes: the ring lets it go and bounds memory.
        CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.set(server, Duration.ofDays(1));
        CoreModuleProperties.AUTH_TIMEOUT.set(server, limits.loginGrace());
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, limits.authAttempts());
        CoreModuleProperties.MAX_CONCURRENT_SESSIONS.set(server, limits.sessionsPerAccount());
        CoreModuleProperties.SERVER_IDENTIFICATION.set(server, "yucon");
        // Every connection holds its read buffer for as long as it is open: MINA's 32 KB was 32 MB of 1,000 idle
        // menus (BENCHMARKS.md). Clients send keystrokes, window changes and key exchanges, all far smaller; a paste
        // takes a few more reads.
        CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(server, 4 * 1024);
    }
}
