package org.yucon.keeper;

import com.pty4j.PtyProcessBuilder;
import com.pty4j.unix.UnixPtyProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.console.ConsolePort;
import org.yucon.console.ConsoleRing;
import org.yucon.config.LogSettings;
import org.yucon.console.LogFileSink;
import org.yucon.console.LogWriter;
import org.yucon.guest.HostProcesses;

/**
 * One guest as the keeper holds it: its UML process (the keeper is its parent), the master of its console pty,
 * a reader that drains that pty into the ring at once (handing an echo to the gateway links itself), the log,
 * and the gateway links attached to it.
 *
 * <p>Threads: one reader per run and one pump per link; the keeper's {@link LogWriter} writes the log. No thread
 * waits for a run's end: the reader sees it when the UML closes its console, the keeper's check when the UML died
 * unasked ({@link #checkEnded}); a pooled thread then handles it ({@link #reap}). The run's fields are guarded by
 * this object's monitor; the run and the log are also read without it (volatile), by the check and the reader.
 */
final class KeptGuest {
    private static final Logger log = LoggerFactory.getLogger(KeptGuest.class);
    /**
     * How long the guest's output may wait for the log and the gateways before a consumer that does not keep up
     * is let go. Longer than the gateway's own hold on its viewers, so that a viewer stalling in the gateway
     * costs that one viewer its output, not every viewer of the guest.
     */
    private static final Duration HOLD_LIMIT = Duration.ofSeconds(2);
    /** How long the processes a dead UML left are given to go once killed: SIGKILL ends them in milliseconds. */
    private static final Duration REMAINS_LIMIT = Duration.ofSeconds(5);
    private static final long REMAINS_POLL_MILLIS = 10;

    private final String name;
    private final Path logFile;
    private final ConsoleRing ring;
    private final ScheduledExecutorService scheduler;
    /** Where a run's end is handled: killing what the run left and waiting for the reader's last output takes seconds. */
    private final Executor exits;
    private final LogWriter logWriter;
    private final POSIX posix;
    private final Cgroups cgroups;
    private final List<KeeperSession> links = new CopyOnWriteArrayList<>();

    /** The run going now, null between runs. Written under this object's monitor. */
    private volatile Run run;
    // Guarded by this.
    /** Whether the end of the current run is handled already (it is, once, whoever sees it first). */
    private boolean ending;
    private int lastExit = -1;
    /** The shutdown a gateway began on the current run, for the next gateway if that one dies; NONE otherwise. */
    private StopIntent stop = StopIntent.NONE;
    private LogSettings logSettings;
    /** Read without the monitor too, by the console reader after each append. */
    private volatile LogWriter.Log consoleLog;
    private LogFileSink logSink;
    /** Whether a log was written before: a new one then starts at the present, not at the ring's start. */
    private boolean logStartedOnce;

    /** A run of the guest: its UML, its console, the thread that reads the console, what the host set up for it. */
    private record Run(UnixPtyProcess process, ConsolePort console, Thread reader, GuestEnclosure enclosure) {
    }

    KeptGuest(String name, int ringBytes, Path logFile, ScheduledExecutorService scheduler, Executor exits,
              LogWriter logWriter, POSIX posix, Cgroups cgroups) {
        this.name = name;
        this.ring = new ConsoleRing(ringBytes, HOLD_LIMIT);
        this.scheduler = scheduler;
        this.exits = exits;
        this.logWriter = logWriter;
        this.posix = posix;
        this.cgroups = cgroups;
        this.logFile = logFile;
    }

    /**
     * Keeps the log as the gateway says (every attach says it again): a change of settings finishes the log's
     * pump and starts a new one from the present, so nothing is written twice or left out.
     */
    synchronized void configureLog(LogSettings settings) throws IOException {
        if (settings.equals(logSettings)) {
            return;
        }
        closeLog();
        logSettings = settings;
        if (settings.enabled()) {
            logSink = new LogFileSink(logFile, settings);
            consoleLog = logWriter.start(name, ring.reader(logStartedOnce ? ring.end() : ring.start()), logSink,
                    e -> log.error("the console log of {} failed: {}", name, e.getMessage()));
            logStartedOnce = true;
        }
    }

    /** Writes what the log has not written yet and closes it (a change of settings, or the keeper's exit). */
    synchronized void closeLog() {
        if (consoleLog == null) {
            return;
        }
        consoleLog.finish(ring.end());
        try {
            logSink.close();
        } catch (IOException e) {
            log.warn("closing the console log of {}: {}", name, e.getMessage());
        }
        consoleLog = null;
        logSink = null;
    }

    ConsoleRing ring() {
        return ring;
    }

    synchronized KeptStatus status() {
        return new KeptStatus(name, run == null ? 0 : run.process().pid(), lastExit, ring.end());
    }

    synchronized StopIntent stopIntent() {
        return stop;
    }

    /** Remembers the shutdown of run {@code pid}; false if that is not the run going now. */
    synchronized boolean stopping(long pid, StopIntent intent) {
        if (run == null || run.process().pid() != pid) {
            return false;
        }
        stop = intent;
        return true;
    }

    /**
     * Starts a run of the guest on a new pty, inside what the host sets up for it (tap, cgroups, user); refused
     * while one runs. The reply names the limits this host could not apply.
     */
    Spawned spawn(List<String> argv, Map<String, String> env, Path directory, int columns, int rows,
                  Confinement confinement) throws IOException {
        UnixPtyProcess started;
        GuestEnclosure enclosure;
        synchronized (this) {
            if (run != null) {
                throw new IOException(name + " runs already (pid " + run.process().pid() + ")");
            }
            try {
                enclosure = GuestEnclosure.prepare(name, confinement, cgroups, posix);
            } catch (IOException e) {
                // The console log is where an admin looks for why a guest stays down (`ssh HOST log`), also when
                // the restart policy, not a person, booted it.
                note(name + " did not start: " + e.getMessage());
                throw e;
            }
            try {
                started = (UnixPtyProcess) new PtyProcessBuilder(enclosure.wrap(argv).toArray(new String[0]))
                        .setEnvironment(env)
                        .setDirectory(directory.toString())
                        .setRedirectErrorStream(true)
                        .start();
            } catch (IOException | RuntimeException e) {
                enclosure.close();
                throw e;
            }
            ConsolePort console = new ConsolePort(started, posix, scheduler);
            // Not pty4j's initial size: it sets that after the fork, when the UML may be just unable to take it.
            console.resize(columns, rows);
            Thread reader = new Thread(() -> read(console, started), "keeper-reader-" + name);
            reader.setDaemon(true);
            run = new Run(started, console, reader, enclosure);
            ending = false;
            stop = StopIntent.NONE;
            reader.start();
        }
        log.info("{} started, pid {}", name, started.pid());
        enclosure.unapplied().forEach(line -> log.warn("{}: {}", name, line));
        return new Spawned(started.pid(), enclosure.unapplied());
    }

    /** A line of the keeper's own into the console, between the guest's output: to the log and the viewers. */
    private void note(String line) {
        byte[] bytes = ("\r\n[yucon] " + line + "\r\n").getBytes(StandardCharsets.UTF_8);
        received(bytes, bytes.length);
    }

    /** On the console reader: into the ring, at once to the links that are caught up and can take it, and the log. */
    private void received(byte[] bytes, int length) {
        ring.append(bytes, 0, length, () -> links.forEach(KeeperSession::express));
        LogWriter.Log current = consoleLog;
        if (current != null) {
            current.arrived(length);
        }
    }

    void input(byte[] bytes) throws IOException {
        ConsolePort target = currentPort();
        if (target != null) {
            target.write(bytes, 0, bytes.length);
        }
    }

    void resize(int columns, int rows) {
        ConsolePort target = currentPort();
        if (target != null) {
            target.resize(columns, rows);
        }
    }

    void linked(KeeperSession session) {
        links.add(session);
    }

    void unlinked(KeeperSession session) {
        links.remove(session);
    }

    private ConsolePort currentPort() {
        Run current = run;
        return current == null ? null : current.console();
    }

    /** The console reader's life: the guest's output up to the last, when the UML closes its console; then its end. */
    private void read(ConsolePort console, UnixPtyProcess process) {
        console.drainInto(this::received);
        ended(process);
    }

    /**
     * The keeper's check, every second on its scheduler (so without this object's monitor, which a spawn holds for
     * a while): a UML that died unasked (SIGKILL) leaves processes that hold its console open, so that its reader
     * waits on; this is how its end is seen then.
     */
    void checkEnded() {
        Run current = run;
        if (current != null && !current.process().isAlive()) {
            ended(current.process());
        }
    }

    /** Hands the end of the run of {@code process} to a pooled thread, once, whoever saw it first. */
    private synchronized void ended(UnixPtyProcess process) {
        if (run == null || run.process() != process || ending) {
            return;
        }
        ending = true;
        Run ended = run;
        exits.execute(() -> reap(ended));
    }

    /**
     * Reaps the run; the exit is reported once every process of the run is gone and the reader has drained the
     * last output, so that the next boot cannot find anything of this one still holding its files.
     */
    private void reap(Run ended) {
        int status;
        try {
            status = ended.process().waitFor();
            endRemains(ended.process().pid());
            ended.reader().join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (ended.reader().isAlive()) {
            ended.console().close();
            log.warn("{}: its console reader did not end with its UML; its pty is left to the collector", name);
        } else {
            ended.console().release();
        }
        ended.enclosure().close();
        synchronized (this) {
            run = null;
            lastExit = status;
            stop = StopIntent.NONE;
        }
        log.info("{} ended with status {}", name, status);
        links.forEach(link -> link.exited(status));
    }

    /**
     * Kills what a UML that died unasked (SIGKILL, SIGABRT) left behind, and waits until it is gone: its I/O and
     * SIGIO helpers, clones that share its open files, and under kernel 6.1 its userspace processes, which it
     * traced. None ends by itself. They hold the COW file's lock (the next boot would fail "Failed to lock", then
     * panic on its root disk) and the console pty, and a userspace process let go by its dead tracer runs the
     * guest's code natively. All are in the UML's process group (pty4j starts it in a session of its own and the
     * wrappers before it exec, so its pid leads the group), which is what UML itself kills when it panics. While
     * a member lives, no other process can get the group's id, so the group is signalled only while it has one.
     */
    private void endRemains(long group) throws InterruptedException {
        List<Long> left = HostProcesses.liveInGroup(group);
        if (left.isEmpty()) {
            return;
        }
        log.info("{}: its UML {} left processes {}; killing them", name, group, left);
        long deadline = System.nanoTime() + REMAINS_LIMIT.toNanos();
        while (!left.isEmpty()) {
            if (System.nanoTime() - deadline >= 0) {
                log.warn("{}: processes {} of its UML {} are still there {} s after SIGKILL", name, left, group,
                        REMAINS_LIMIT.toSeconds());
                return;
            }
            posix.kill((int) -group, Signal.SIGKILL.intValue());
            Thread.sleep(REMAINS_POLL_MILLIS);
            left = HostProcesses.liveInGroup(group);
        }
    }
}
