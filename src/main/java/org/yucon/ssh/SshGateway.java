package org.yucon.ssh;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.yucon.config.AccountConfig;
import org.yucon.config.Configuration;
import org.yucon.guest.Guests;

/**
 * The SSH endpoint: MINA SSHD set up to offer exactly our menu, consoles and verbs. Everything else SSH can do
 * (port, agent and X11 forwarding, subsystems such as sftp, keyboard-interactive and host-based logins, the JVM
 * user's own authorized_keys that MINA's defaults would read) is switched off here.
 */
public final class SshGateway implements AutoCloseable {
    private final SshServer server;
    private final AuditLog audit;

    public SshGateway(Configuration config, Guests guests, ScheduledExecutorService scheduler, KeyPairProvider hostKeys,
                      AuditLog audit) {
        this.audit = audit;
        Supplier<Configuration> current = () -> config;
        GatewayContext context = new GatewayContext(guests, config.gateway(), scheduler, audit);
        AccountAuthenticator auth = new AccountAuthenticator(current, new LoginGuard(LoginGuard.Limits.defaults()), audit, scheduler);
        server = SshServer.setUpDefaultServer();
        server.setHost(config.gateway().listenAddress());
        server.setPort(config.gateway().port());
        server.setKeyPairProvider(hostKeys);
        server.setPasswordAuthenticator(auth);
        server.setPublickeyAuthenticator(auth);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        server.setAgentFactory(null);
        server.setSubsystemFactories(List.of());
        // Session channels only, with a filtered environment: no direct-tcpip or other channel type exists here.
        server.setChannelFactories(List.of(new ChannelSessionFactory() {
            @Override
            public Channel createChannel(Session session) {
                return new RestrictedChannelSession();
            }
        }));
        server.addSessionListener(new SessionAudit(audit));
        server.setShellFactory(channel -> session(current, context, channel, Optional.empty()));
        server.setCommandFactory((channel, command) -> session(current, context, channel, Optional.of(command)));
        // Keystroke echo needs Nagle off (44 ms round trips otherwise, FIELD-NOTES).
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        // Somebody watching a quiet console is not idle; SSH keepalives from the client handle dead peers.
        CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ZERO);
        // A viewer's pump thread may wait for a stalled client as long as it likes: the ring bounds memory.
        CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.set(server, Duration.ofDays(1));
        CoreModuleProperties.AUTH_TIMEOUT.set(server, Duration.ofSeconds(60));
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, 6);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(server, "yucon");
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
        try {
            server.stop(true);
        } finally {
            audit.close();
        }
    }

    private static Command session(Supplier<Configuration> config, GatewayContext context, ChannelSession channel,
                                   Optional<String> command) {
        String login = channel.getSession().getUsername();
        AccountConfig account = config.get().account(login).orElseThrow(
                () -> new IllegalStateException("account " + login + " vanished after authentication"));
        return new GatewaySession(context, account, command);
    }
}
