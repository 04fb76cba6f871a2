package org.yucon;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.yucon.auth.PasswordCheck;
import org.yucon.config.AccessChanges;
import org.yucon.config.AccountBook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.ConfigLoader;
import org.yucon.config.Configuration;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.yucon.fleet.Fleet;
import org.yucon.guest.Autostart;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.GuestFilesWatch;
import org.yucon.guest.Guests;
import org.yucon.keeper.KeeperClient;
import org.yucon.metrics.Metrics;
import org.yucon.metrics.MetricsServer;
import org.yucon.recording.Recordings;
import org.yucon.ssh.AuditLog;
import org.yucon.ssh.HostKeys;
import org.yucon.ssh.SshGateway;
import org.yucon.util.PrivateFiles;
import org.yucon.util.ProcessUser;
import org.yucon.web.WebServer;

/**
 * A running yucon: the guests of one configuration behind one SSH endpoint and its web page. The guests' processes and consoles
 * live in the console keeper, which this starts if it does not run yet. Closing the gateway stops the SSH server
 * and the gateway's threads; the keeper and the guests keep running, as they would if the gateway crashed.
 */
public final class Gateway implements AutoCloseable {
    /** How often the guest and account files are looked at, for changes made while the gateway runs. */
    private static final Duration FOLLOW_EVERY = Duration.ofSeconds(2);
    /** How often recordings past the age or total size kept are deleted. */
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(10);
    /**
     * How long a session thread with nothing to do lives on: longer than the menus' refresh period, so that the
     * few threads that one refresh of every menu needs are the same ones each time, not new ones.
     */
    private static final Duration SESSION_THREAD_KEEP_ALIVE = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final Guests guests;
    private final KeeperClient keeper;
    private final SshGateway ssh;
    private final Fleet fleet;
    /** Empty when {@code [web] enabled = false}. */
    private final Optional<WebServer> web;
    private final List<HostKeys.HostKey> hostKeys;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService sessions;
    private final ExecutorService hashing;
    private final AuditLog audit;
    private final Optional<MetricsServer> metrics;
    private final Recordings recordings;

    private Gateway(Guests guests, KeeperClient keeper, SshGateway ssh, Fleet fleet, Optional<WebServer> web,
                    List<HostKeys.HostKey> hostKeys, ScheduledExecutorService scheduler, ExecutorService sessions,
                    ExecutorService hashing, AuditLog audit, Optional<MetricsServer> metrics, Recordings recordings) {
        this.guests = guests;
        this.keeper = keeper;
        this.ssh = ssh;
        this.fleet = fleet;
        this.web = web;
        this.hostKeys = hostKeys;
        this.scheduler = scheduler;
        this.sessions = sessions;
        this.hashing = hashing;
        this.audit = audit;
        this.metrics = metrics;
        this.recordings = recordings;
    }

    /** Whether the gateway starts its console keeper when none answers, or waits for one started elsewhere. */
    public enum KeeperStart { IF_NONE_ANSWERS, NEVER }

    /** Starts serving; {@code kernel} is what guests boot unless their configuration names another. */
    public static Gateway start(Configuration config, Path kernel) throws IOException {
        return start(config, kernel, KeeperStart.IF_NONE_ANSWERS);
    }

    /** As {@link #start(Configuration, Path)}; under systemd the keeper is a service of its own ({@code NEVER}). */
    public static Gateway start(Configuration config, Path kernel, KeeperStart keeperStart) throws IOException {
        POSIX posix = POSIXFactory.getNativePOSIX();
        PrivateFiles.restrictUmask(posix);
        closeDirectories(config);
        HostKeys keys = new HostKeys(config.gateway().hostKeyDir());
        List<HostKeys.HostKey> hostKeys = keys.ensure();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, named("scheduler"));
        ExecutorService sessions = sessionPool();
        ExecutorService hashing = PasswordCheck.hashingPool(config.gateway().limits());
        try {
            KeeperClient keeper = keeperStart == KeeperStart.NEVER ? KeeperClient.connect(config.gateway().stateDir())
                    : KeeperClient.connectOrStart(config.gateway().stateDir(), config.gateway().console().ringBytes());
            config.guestErrors().forEach(error -> log.error("guest not loaded: {}", error));
            AccessChanges accessChanges = new AccessChanges();
            Metrics metrics = new Metrics();
            Guests guests = new Guests(config, kernel, keeper, scheduler, posix, accessChanges, metrics);
            metrics.watch(guests);
            Autostart.begin(guests.all(), scheduler, config.gateway().stateDir());
            scheduler.scheduleWithFixedDelay(new GuestFilesWatch(new ConfigLoader(config.etc()), guests),
                    FOLLOW_EVERY.toSeconds(), FOLLOW_EVERY.toSeconds(), TimeUnit.SECONDS);
            // Rights taken away reach open sessions within one look, not at their next login.
            AccountBook accounts = new AccountBook(config, accessChanges);
            scheduler.scheduleWithFixedDelay(accounts::look, FOLLOW_EVERY.toSeconds(), FOLLOW_EVERY.toSeconds(),
                    TimeUnit.SECONDS);
            AuditLog audit = new AuditLog(config.gateway().stateDir().resolve("audit.log"), guests.alerts());
            // One check for both fronts: a source's and an account's failures count wherever they were made.
            PasswordCheck passwords = new PasswordCheck(accounts, config.gateway().limits(), audit, scheduler, hashing, metrics);
            // One store for both fronts: what SSH records, the page lists.
            Recordings recordings = new Recordings(config.gateway().stateDir(), config.gateway().recording(),
                    Clock.systemUTC(), metrics::recordingStopped);
            metrics.recordings(recordings::diskUse);
            scheduler.scheduleWithFixedDelay(recordings::sweep, 0, SWEEP_EVERY.toMinutes(), TimeUnit.MINUTES);
            KeyPairProvider hostKeyPairs = keys.provider(hostKeys);
            Fleet fleet = Fleet.start(config.gateway().fleet(), identity(hostKeyPairs), () -> guests.all().stream().map(GuestSupervisor::name).toList(),
                    scheduler, sessions);
            SshGateway ssh = new SshGateway(config.gateway(), accounts, guests, scheduler, sessions,
                    hostKeyPairs, audit, passwords, metrics, recordings, fleet);
            ssh.start();
            Optional<WebServer> web = Optional.empty();
            Optional<MetricsServer> metricsServer = Optional.empty();
            try {
                if (config.gateway().web().enabled()) {
                    web = Optional.of(WebServer.start(config.etc(), config.gateway(), guests, accounts, passwords, audit,
                            recordings, scheduler, sessions, ssh.port(), fleet));
                }
                if (config.gateway().metrics().enabled()) {
                    metricsServer = Optional.of(MetricsServer.start(config.gateway().metrics(), metrics));
                }
            } catch (IOException | RuntimeException e) {
                web.ifPresent(WebServer::close);
                ssh.close();
                recordings.close();
                throw e;
            }
            return new Gateway(guests, keeper, ssh, fleet, web, hostKeys, scheduler, sessions, hashing, audit, metricsServer,
                    recordings);
        } catch (IOException | RuntimeException e) {
            scheduler.shutdownNow();
            sessions.shutdownNow();
            hashing.shutdownNow();
            throw e;
        }
    }

    /** The host key this gateway logs in to its peers with: its Ed25519 key, the one the peers pin. */
    private static KeyPair identity(KeyPairProvider keys) throws IOException {
        try {
            return keys.loadKey(null, KeyPairProvider.SSH_ED25519);
        } catch (GeneralSecurityException e) {
            throw new IOException("the Ed25519 host key cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a state or accounts directory that the group or others may write or that another user owns (whoever
     * may write there can replace logs, sockets and logins), and closes the state directory to others' reading, which
     * earlier versions left open.
     */
    private static void closeDirectories(Configuration config) throws IOException {
        ProcessUser user = ProcessUser.current();
        Path state = config.gateway().stateDir();
        PrivateFiles.requireClosed(state, user);
        PrivateFiles.requireClosed(config.etc().resolve("accounts"), user);
        PrivateFiles.directories(state);
        if (PrivateFiles.closeToOthers(state)) {
            log.info("{} is closed to others now: they may pass through it (a guest's own user, to its files), not read it", state);
        }
    }

    public Guests guests() {
        return guests;
    }

    public KeeperClient keeper() {
        return keeper;
    }

    public int port() {
        return ssh.port();
    }

    /** The port of the metrics listener, when {@code [metrics] listen} is set. */
    public Optional<Integer> metricsPort() {
        return metrics.map(MetricsServer::port);
    }

    public List<HostKeys.HostKey> hostKeys() {
        return hostKeys;
    }

    /** The web page's server, unless {@code [web] enabled = false}. */
    public Optional<WebServer> web() {
        return web;
    }

    @Override
    public void close() throws IOException {
        try {
            metrics.ifPresent(MetricsServer::close);
            web.ifPresent(WebServer::close);
            ssh.close();
            fleet.close();
        } finally {
            guests.close();
            scheduler.shutdownNow();
            sessions.shutdownNow();
            hashing.shutdownNow();
            recordings.close();
            audit.close();
        }
    }

    /**
     * The threads that run the SSH sessions' steps: as many as there are sessions with something to do at the same
     * moment (a step may block on a slow client, so the pool grows rather than making the others wait), none once
     * all are idle. Handing a step over never waits. Once the gateway is closed, steps are dropped.
     */
    private static ExecutorService sessionPool() {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, SESSION_THREAD_KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS,
                new SynchronousQueue<>(), named("session"), new ThreadPoolExecutor.DiscardPolicy());
    }

    private static ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
