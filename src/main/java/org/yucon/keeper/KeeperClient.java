package org.yucon.keeper;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.LogSettings;
import org.yucon.util.PrivateFiles;
import org.yucon.util.ProcessUser;

/**
 * The gateway's client of the console keeper of one state directory. If no keeper serves it yet, one is
 * started in a session of its own (so that it outlives the gateway), from the same java and class path.
 */
public final class KeeperClient {
    private static final Logger log = LoggerFactory.getLogger(KeeperClient.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /**
     * The longest the keeper may leave a request's connection still: its answers take milliseconds, a spawn's set-up
     * under a second on a loaded host (SpawnRaceIT holds it stopped for a second or two). A stopped or hung keeper
     * then fails the boot, shutdown or list that asked, instead of holding its thread (a scheduler's, a session's)
     * for ever.
     */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(15);

    /** Told after each request whether the keeper answered it: the admins hear of a keeper that does not. */
    public interface Answering {
        void answered();

        /** {@code sentence} names the keeper and what it did not answer. */
        void unanswered(String sentence);
    }

    private static final Answering NOBODY = new Answering() {
        @Override
        public void answered() {
        }

        @Override
        public void unanswered(String sentence) {
        }
    };

    private final Path stateDir;
    private final Path socket;
    private final ProcessUser user;
    /** The ring size a keeper started from here gets; empty when the keeper is started elsewhere (systemd). */
    private final OptionalInt startRing;
    /** Set once by the gateway's guests as they start; read by every thread that asks the keeper. */
    private volatile Answering answering = NOBODY;

    private KeeperClient(Path stateDir, ProcessUser user, OptionalInt startRing) {
        this.stateDir = stateDir;
        this.socket = ConsoleKeeper.socket(stateDir);
        this.user = user;
        this.startRing = startRing;
    }

    /**
     * A client of the keeper of {@code stateDir}, which is started if none answers.
     *
     * @throws IOException if no keeper answers in time, or if the keeper's socket is served by another user
     */
    public static KeeperClient connectOrStart(Path stateDir, int ringBytes) throws IOException {
        KeeperClient client = new KeeperClient(stateDir, ProcessUser.current(), OptionalInt.of(ringBytes));
        client.ensureRunning();
        return client;
    }

    /**
     * Starts a keeper if none answers (the one that ran was killed), and waits for it to answer; a keeper started
     * elsewhere is only waited for (systemd starts it again).
     *
     * @throws IOException if no keeper answers in time, or if the keeper's socket is served by another user
     */
    public void ensureRunning() throws IOException {
        if (!answers()) {
            if (startRing.isPresent()) {
                start(stateDir, startRing.getAsInt());
            }
            awaitAnswer();
        }
    }

    /**
     * A client of the keeper of {@code stateDir} that someone else starts (systemd's {@code yucon-keeper.service}),
     * waited for as long as one that this gateway starts; never started from here, so that the keeper is not a child
     * of the gateway's service and outlives its restarts.
     *
     * @throws IOException if no keeper answers in time, or if the keeper's socket is served by another user
     */
    public static KeeperClient connect(Path stateDir) throws IOException {
        KeeperClient client = new KeeperClient(stateDir, ProcessUser.current(), OptionalInt.empty());
        client.awaitAnswer();
        return client;
    }

    /** A client of the keeper of {@code stateDir} if one answers now; none is started or waited for. */
    public static Optional<KeeperClient> ifRunning(Path stateDir) throws IOException {
        KeeperClient client = new KeeperClient(stateDir, ProcessUser.current(), OptionalInt.empty());
        return client.answers() ? Optional.of(client) : Optional.empty();
    }

    /** From now on, {@code answering} is told after each request whether the keeper answered it. */
    public void reportTo(Answering answering) {
        this.answering = answering;
    }

    /** The keeper's pid, for those who must stop it (tests, the demo). */
    public static long pid(Path stateDir) throws IOException {
        return Long.parseLong(Files.readString(ConsoleKeeper.pidFile(stateDir)).trim());
    }

    public Spawned spawn(String guest, Path directory, List<String> argv, Map<String, String> env, int columns, int rows,
                         Confinement confinement) throws IOException {
        List<String> pairs = new ArrayList<>();
        env.forEach((k, v) -> pairs.add(k + "=" + v));
        return ask(KeeperProtocol.SPAWN, out -> {
            out.writeUTF(guest);
            out.writeUTF(directory.toString());
            KeeperProtocol.writeStrings(out, argv);
            KeeperProtocol.writeStrings(out, pairs);
            out.writeInt(columns);
            out.writeInt(rows);
            KeeperProtocol.writeConfinement(out, confinement);
        }, in -> {
            if (in.readBoolean()) {
                return new Spawned(in.readLong(), KeeperProtocol.readStrings(in));
            }
            throw new IOException(in.readUTF());
        });
    }

    public List<KeptStatus> list() throws IOException {
        return ask(KeeperProtocol.LIST, out -> { }, in -> {
            int n = in.readInt();
            List<KeptStatus> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(new KeptStatus(in.readUTF(), in.readLong(), in.readInt(), in.readLong()));
            }
            return all;
        });
    }

    /**
     * Tells the keeper that the run {@code pid} of {@code guest} is being shut down, to be halted at
     * {@code stop.deadline()}: a gateway started after this one crashed carries it on. False if that run is over.
     */
    public boolean stopping(String guest, long pid, StopIntent stop) throws IOException {
        return ask(KeeperProtocol.STOPPING, out -> {
            out.writeUTF(guest);
            out.writeLong(pid);
            out.writeLong(stop.deadline());
            out.writeBoolean(stop.thenBoot());
        }, DataInputStream::readBoolean);
    }

    /**
     * The shutdowns under way, by guest, as the gateways that began them told the keeper; none from a keeper older
     * than that (it closes the connection at an operation it does not know).
     */
    public Map<String, StopIntent> stops() {
        try {
            return ask(KeeperProtocol.STOPS, out -> { }, in -> {
                int n = in.readInt();
                Map<String, StopIntent> all = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    all.put(in.readUTF(), new StopIntent(in.readLong(), in.readBoolean()));
                }
                return all;
            });
        } catch (IOException e) {
            log.info("the console keeper told no shutdowns under way ({}): an older keeper, or one that does not answer",
                    e.getMessage());
            return Map.of();
        }
    }

    /**
     * Links to a guest's console, first receiving up to {@code backlog} bytes of what it printed before; the
     * keeper keeps the guest's log as {@code log} says from now on.
     */
    public KeeperLink attach(String guest, long backlog, LogSettings log, KeeperLink.Listener listener) throws IOException {
        // No stall limit: a link waits for a quiet guest's output for hours; its request needs no answer.
        KeeperSocket c = open(Optional.empty());
        try {
            c.send(out -> {
                request(out, KeeperProtocol.ATTACH);
                out.writeUTF(guest);
                out.writeLong(backlog);
                KeeperProtocol.writeLogSettings(out, log);
            });
            KeeperLink link = new KeeperLink(guest, c, listener);
            link.start();
            return link;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    /** Asks the keeper to end; it does only when no guest runs. Returns its answer as a sentence. */
    public String quit() throws IOException {
        return ask(KeeperProtocol.QUIT, out -> { }, in -> {
            in.readBoolean();
            return in.readUTF();
        });
    }

    /** What the keeper answers, read from its connection. */
    private interface Answer<T> {
        T readFrom(DataInputStream in) throws IOException;
    }

    /**
     * One request and its answer on a connection of its own; a keeper that lets any wait on it last beyond
     * {@link #ANSWER_WITHIN} (stopped, hung) fails it with a sentence that names the keeper and {@code op}.
     */
    private <T> T ask(String op, KeeperSocket.Message arguments, Answer<T> answer) throws IOException {
        try (KeeperSocket c = open(Optional.of(ANSWER_WITHIN))) {
            c.send(out -> {
                request(out, op);
                arguments.writeTo(out);
            });
            T answered = answer.readFrom(c.in());
            answering.answered();
            return answered;
        } catch (SocketTimeoutException e) {
            String sentence = "the console keeper" + pidText() + " did not answer '" + op + "' within "
                    + ANSWER_WITHIN.toSeconds() + " s (stopped or hung?); see " + stateDir.resolve("keeper.log");
            answering.unanswered(sentence);
            throw new IOException(sentence, e);
        }
    }

    private String pidText() {
        try {
            return " (pid " + pid(stateDir) + ")";
        } catch (IOException | NumberFormatException e) {
            return "";
        }
    }

    private KeeperSocket open(Optional<Duration> stallLimit) throws IOException {
        try {
            return KeeperSocket.connect(socket, user, stallLimit);
        } catch (ForeignKeeperException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("the console keeper at " + socket + " does not answer (" + e.getMessage() + ")", e);
        }
    }

    private static void request(DataOutputStream out, String op) throws IOException {
        out.writeUTF(KeeperProtocol.GREETING);
        out.writeUTF(op);
    }

    /** False when no keeper serves the socket; another user's listener there is no keeper of ours to wait for. */
    private boolean answers() throws ForeignKeeperException {
        try {
            list();
            return true;
        } catch (ForeignKeeperException e) {
            throw e;
        } catch (IOException e) {
            return false;
        }
    }

    private void awaitAnswer() throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!answers()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("the console keeper did not answer at " + socket + " within "
                        + START_TIMEOUT.toSeconds() + " s; see " + stateDir.resolve("keeper.log")
                        + " (or, under systemd, journalctl -u yucon-keeper)");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the console keeper", e);
            }
        }
    }

    /**
     * Starts {@code yucon keeper} with this JVM's java and class path under setsid(1): a new session, so that
     * neither a signal to the gateway's process group nor its death reaches the keeper or the guests.
     *
     * <p>Its heap is mostly the guests' rings, which grow with their output (a quiet guest's is kilobytes), so it
     * starts small and the serial collector gives back what a flood took: G1 keeps what it once committed, and its
     * own tables cost tens of MB, for nothing on a host of few cores. The bound, 256 MB, still holds a full ring for
     * some 200 guests printing at once.
     */
    private static void start(Path stateDir, int ringBytes) throws IOException {
        PrivateFiles.directories(stateDir);
        String java = ProcessHandle.current().info().command().orElse("java");
        Path logFile = PrivateFiles.file(stateDir.resolve("keeper.log"));
        List<String> command = List.of("setsid", java, "-XX:+UseSerialGC", "-Xms16m", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "org.yucon.cli.Yucon", "keeper", "--state", stateDir.toAbsolutePath().toString(), "--ring", Integer.toString(ringBytes));
        log.info("starting the console keeper for {}", stateDir);
        ProcessBuilder keeper = new ProcessBuilder(command);
        // Its log is a file of its own, stamped with the time, even when the gateway's output goes to journald.
        keeper.environment().remove("JOURNAL_STREAM");
        keeper.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectErrorStream(true)
                .start();
    }
}
