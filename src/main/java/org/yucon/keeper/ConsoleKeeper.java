package org.yucon.keeper;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.console.ConsoleLogs;
import org.yucon.console.LogWriter;
import org.yucon.util.PrivateFiles;
import org.yucon.util.ProcessUser;

/**
 * The console keeper: a small process per host that outlives the gateway, as virtlogd outlives libvirtd. It
 * is the parent of every guest's UML, holds each console pty's master (so the guest follows the writer's window
 * size), reads every console at once into a ring and the log, and serves the gateway over a Unix socket in the
 * state directory that only its owner may open. The gateway can stop, crash and start again; the guests, their
 * consoles and their logs go on.
 *
 * <p>Threads: one acceptor, one per connection, one timer (console kicks, the check for ended runs), pooled ones
 * for the ends of runs, one that writes the console logs, and those of each {@link KeptGuest}.
 */
public final class ConsoleKeeper {
    private static final Logger log = LoggerFactory.getLogger(ConsoleKeeper.class);
    private static final Pattern GUEST = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Path CGROUP_FS = Path.of("/sys/fs/cgroup");
    /** Connections waiting to be accepted: a gateway's start links every guest's console at once (Java's default 50). */
    private static final int BACKLOG = 1024;
    /**
     * How often the keeper looks for a UML that died unasked while what it left holds its console: the guest is
     * shown running up to this long after. One look for all guests, not a waiting thread per guest.
     */
    private static final long END_CHECK_SECONDS = 1;

    private final Path stateDir;
    private final int ringBytes;
    private final Map<String, KeptGuest> guests = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keeper-timer");
        t.setDaemon(true);
        return t;
    });
    /** The ends of runs (see KeptGuest): threads only while one is handled, none waiting for one. */
    private final ExecutorService exits = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "keeper-run-end");
                t.setDaemon(true);
                return t;
            });
    private final LogWriter logWriter = new LogWriter("keeper-logs");
    private final POSIX posix = POSIXFactory.getNativePOSIX();
    private final Cgroups cgroups;
    private ServerSocketChannel server;
    /**
     * Held for the keeper's life: one keeper per state directory. The kernel lets it go when the process ends, however
     * it ends, so a lock that is held is a keeper that runs.
     */
    private FileChannel lock;

    public ConsoleKeeper(Path stateDir, int ringBytes) {
        this.stateDir = stateDir.toAbsolutePath();
        this.ringBytes = ringBytes;
        this.cgroups = Cgroups.detect(CGROUP_FS);
    }

    /**
     * A keeper whose cgroup systemd delegated to it ({@code Delegate=yes} in yucon-keeper.service): the guests'
     * cgroups go under its own, and under cgroup v2 it moves itself into a leaf of that cgroup first.
     */
    public ConsoleKeeper(Path stateDir, int ringBytes, boolean delegatedCgroup) throws IOException {
        this.stateDir = stateDir.toAbsolutePath();
        this.ringBytes = ringBytes;
        this.cgroups = delegatedCgroup
                ? Cgroups.delegated(CGROUP_FS, Files.readString(Path.of("/proc/self/cgroup")), ProcessHandle.current().pid())
                : Cgroups.detect(CGROUP_FS);
    }

    /** In a directory of its own that only the keeper's user may enter, so the socket is never open to others. */
    public static Path socket(Path stateDir) {
        return stateDir.resolve("keeper").resolve("keeper.sock");
    }

    public static Path pidFile(Path stateDir) {
        return stateDir.resolve("keeper.pid");
    }

    /** The console logs: the keeper's user's only, as consoles show passwords typed at them. */
    private Path logs() {
        return ConsoleLogs.dir(stateDir);
    }

    /** Binds the socket and serves until a quit is accepted. */
    public void serve() throws IOException {
        PrivateFiles.restrictUmask(posix);
        ProcessUser user = ProcessUser.current();
        server = bind(user);
        PrivateFiles.ownDirectory(logs(), user);
        PrivateFiles.write(pidFile(stateDir), (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
        log.info("console keeper {} serving {}", ProcessHandle.current().pid(), socket(stateDir));
        scheduler.scheduleWithFixedDelay(() -> guests.values().forEach(KeptGuest::checkEnded), END_CHECK_SECONDS,
                END_CHECK_SECONDS, TimeUnit.SECONDS);
        // The logs' last output is written on a signal too, not only on a quit.
        Thread closingLogs = new Thread(this::closeLogs, "keeper-exit");
        Runtime.getRuntime().addShutdownHook(closingLogs);
        try {
            while (server.isOpen()) {
                SocketChannel connection;
                try {
                    connection = server.accept();
                } catch (IOException e) {
                    if (server.isOpen()) {
                        throw e;
                    }
                    break;
                }
                if (refused(connection, user)) {
                    continue;
                }
                Thread handler = new Thread(() -> handle(connection), "keeper-connection");
                handler.setDaemon(true);
                handler.start();
            }
        } finally {
            forget(closingLogs);
            closeLogs();
            logWriter.close();
            Files.deleteIfExists(socket(stateDir));
            Files.deleteIfExists(pidFile(stateDir));
            log.info("console keeper stopped");
        }
    }

    /** The JVM refuses once it is exiting (a signal came as the keeper quit): then the hook closes the logs itself. */
    private static void forget(Thread shutdownHook) {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException exiting) {
            log.debug("exiting on a signal while quitting: the shutdown hook closes the logs");
        }
    }

    private void closeLogs() {
        guests.values().forEach(KeptGuest::closeLog);
    }

    /**
     * A connection from another user is closed unanswered, whatever the socket's mode let through: whoever talks to
     * the keeper starts guests with its rights and reads and types on every console.
     */
    private static boolean refused(SocketChannel connection, ProcessUser user) {
        try {
            Optional<UserPrincipal> stranger = user.stranger(connection);
            if (stranger.isEmpty()) {
                return false;
            }
            log.warn("refused a connection from {}: this keeper serves {} only", stranger.get().getName(), user.name());
        } catch (IOException e) {
            log.warn("refused a connection whose user is not known: {}", e.toString());
        }
        try {
            connection.close();
        } catch (IOException e) {
            // Refused either way: the descriptor is released.
        }
        return true;
    }

    private ServerSocketChannel bind(ProcessUser user) throws IOException {
        Path socket = socket(stateDir);
        PrivateFiles.ownDirectory(socket.getParent(), user);
        // Two keepers started at once (a gateway replacing a lost keeper while a new gateway starts one) each found the
        // last one's socket dead, and the second deleted the first's new socket: the first ran on, unreachable, for good.
        lock = FileChannel.open(socket.resolveSibling("keeper.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        if (lock.tryLock() == null) {
            lock.close();
            throw new IOException("a console keeper serves " + socket + " already");
        }
        if (Files.exists(socket)) {
            if (answers(socket)) {
                throw new IOException("a console keeper serves " + socket + " already");
            }
            Files.delete(socket);
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socket), BACKLOG);
        return channel;
    }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private void handle(SocketChannel connection) {
        try (KeeperSocket socket = new KeeperSocket(connection)) {
            DataInputStream in = socket.in();
            if (!KeeperProtocol.GREETING.equals(in.readUTF())) {
                socket.send(out -> out.writeUTF("this keeper speaks " + KeeperProtocol.GREETING));
                return;
            }
            dispatch(in.readUTF(), socket);
        } catch (IOException e) {
            log.debug("a keeper connection ended: {}", e.toString());
        }
    }

    private void dispatch(String op, KeeperSocket socket) throws IOException {
        DataInputStream in = socket.in();
        switch (op) {
            case KeeperProtocol.SPAWN:
                spawn(in, socket);
                break;
            case KeeperProtocol.LIST:
                socket.send(this::list);
                break;
            case KeeperProtocol.ATTACH:
                String name = in.readUTF();
                long backlog = in.readLong();
                KeptGuest guest = guest(name);
                guest.configureLog(KeeperProtocol.readLogSettings(in));
                new KeeperSession(guest, socket).serve(backlog, name);
                break;
            case KeeperProtocol.QUIT:
                quit(socket);
                break;
            case KeeperProtocol.STOPPING:
                KeptGuest stopping = guest(in.readUTF());
                boolean known = stopping.stopping(in.readLong(), new StopIntent(in.readLong(), in.readBoolean()));
                socket.send(out -> out.writeBoolean(known));
                break;
            case KeeperProtocol.STOPS:
                socket.send(this::stops);
                break;
            default:
                throw new IOException("unknown operation " + op);
        }
    }

    private void spawn(DataInputStream in, KeeperSocket socket) throws IOException {
        String name = in.readUTF();
        Path directory = Path.of(in.readUTF());
        List<String> argv = KeeperProtocol.readStrings(in);
        Map<String, String> env = new ConcurrentHashMap<>();
        for (String pair : KeeperProtocol.readStrings(in)) {
            int eq = pair.indexOf('=');
            env.put(pair.substring(0, Math.max(eq, 0)), pair.substring(eq + 1));
        }
        int columns = in.readInt();
        int rows = in.readInt();
        Confinement confinement = KeeperProtocol.readConfinement(in);
        if (socket.askerGone()) {
            // A gateway gives up after a while (this keeper was stopped, or slow): it took the boot as failed, and a
            // guest started now would run unknown to it.
            log.warn("{}: not started, the gateway that asked gave up waiting", name);
            return;
        }
        Spawned spawned;
        try {
            spawned = guest(name).spawn(argv, env, directory, columns, rows, confinement);
        } catch (IOException e) {
            socket.send(out -> {
                out.writeBoolean(false);
                out.writeUTF(e.getMessage() == null ? e.toString() : e.getMessage());
            });
            return;
        }
        socket.send(out -> {
            out.writeBoolean(true);
            out.writeLong(spawned.pid());
            KeeperProtocol.writeStrings(out, spawned.unapplied());
        });
    }

    private void list(DataOutputStream out) throws IOException {
        List<KeptStatus> all = new ArrayList<>();
        guests.values().forEach(g -> all.add(g.status()));
        out.writeInt(all.size());
        for (KeptStatus s : all) {
            out.writeUTF(s.guest());
            out.writeLong(s.pid());
            out.writeInt(s.lastExit());
            out.writeLong(s.end());
        }
    }

    private void stops(DataOutputStream out) throws IOException {
        Map<String, StopIntent> all = new HashMap<>();
        guests.forEach((name, guest) -> {
            StopIntent stop = guest.stopIntent();
            if (stop.underWay()) {
                all.put(name, stop);
            }
        });
        out.writeInt(all.size());
        for (Map.Entry<String, StopIntent> e : all.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue().deadline());
            out.writeBoolean(e.getValue().thenBoot());
        }
    }

    private void quit(KeeperSocket socket) throws IOException {
        List<String> running = new ArrayList<>();
        guests.values().stream().filter(g -> g.status().pid() != 0).forEach(g -> running.add(g.status().guest()));
        socket.send(out -> {
            out.writeBoolean(running.isEmpty());
            out.writeUTF(running.isEmpty() ? "the console keeper stops" : "the console keeper stays: guests run (" + String.join(", ", running) + ")");
        });
        if (running.isEmpty()) {
            server.close();
        }
    }

    private KeptGuest guest(String name) throws IOException {
        if (!GUEST.matcher(name).matches()) {
            throw new IOException("not a guest name: " + name);
        }
        try {
            return guests.computeIfAbsent(name, n -> {
                try {
                    Path logs = PrivateFiles.directories(logs());
                    return new KeptGuest(n, ringBytes, ConsoleLogs.of(logs, n), scheduler, exits, logWriter, posix, cgroups);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
