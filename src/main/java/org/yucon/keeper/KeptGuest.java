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
import java.util.concurrent.ScheduledExecutorService;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.console.ConsolePort;
import org.yucon.console.ConsoleRing;
import org.yucon.config.LogSettings;
import org.yucon.console.LogFileSink;
import org.yucon.console.RingPump;
import org.yucon.guest.HostProcesses;

/**
 * One guest as the keeper holds it: its UML process (the keeper is its parent), the master of its console pty,
 * a reader that drains that pty into the ring at once (handing an echo to the gateway links itself), the log,
 * and the gateway links attached to it.
 *
 * <p>Threads: one reader and one exit watcher per run, one pump per link and for the log; the run's fields are
 * guarded by this object's monitor.
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
    private final POSIX posix;
    private final Cgroups cgroups;
    private final List<KeeperSession> links = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private UnixPtyProcess process;
    private ConsolePort port;
    private int lastExit = -1;
    /** The shutdown a gateway began on the current run, for the next gateway if that one dies; NONE otherwise. */
    private StopIntent stop = StopIntent.NONE;
    private LogSettings logSettings;
    private RingPump logPump;
    private LogFileSink logSink;
    /** Whether a log pump ran before: a new one then starts at the present, not at the ring's start. */
    private boolean logStartedOnce;

    KeptGuest(String name, int ringBytes, Path logFile, ScheduledExecutorService scheduler, POSIX posix, Cgroups cgroups)
            throws IOException {
        this.name = name;
        this.ring = new ConsoleRing(ringBytes, HOLD_LIMIT);
        this.scheduler = scheduler;
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
            logPump = RingPump.unhurried("keeper-log-" + name, ring.reader(logStartedOnce ? ring.end() : ring.start()),
                    logSink, e -> log.error("the console log of {} failed: {}", name, e.getMessage()));
            logPump.start();
            logStartedOnce = true;
        }
    }

    /** Writes what the log has not written yet and closes it (a change of settings, or the keeper's exit). */
    synchronized void closeLog() {
        if (logPump == null) {
            return;
        }
        logPump.finish(ring.end());
        try {
            logSink.close();
        } catch (IOException e) {
            log.warn("closing the console log of {}: {}", name, e.getMessage());
        }
        logPump = null;
        logSink = null;
    }

    ConsoleRing ring() {
        return ring;
    }

    synchronized KeptStatus status() {
        return new KeptStatus(name, process == null ? 0 : process.pid(), lastExit, ring.end());
    }

    synchronized StopIntent stopIntent() {
        return stop;
    }

    /** Remembers the shutdown of run {@code pid}; false if that is not the run going now. */
    synchronized boolean stopping(long pid, StopIntent intent) {
        if (process == null || process.pid() != pid) {
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
        ConsolePort console;
        GuestEnclosure enclosure;
        synchronized (this) {
            if (process != null) {
                throw new IOException(name + " runs already (pid " + process.pid() + ")");
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
            console = new ConsolePort(started, posix, scheduler);
            // Not pty4j's initial size: it sets that after the fork, when the UML may be just unable to take it.
            console.resize(columns, rows);
            process = started;
            port = console;
            stop = StopIntent.NONE;
        }
        log.info("{} started, pid {}", name, started.pid());
        enclosure.unapplied().forEach(line -> log.warn("{}: {}", name, line));
        Thread reader = new Thread(() -> console.drainInto(this::received), "keeper-reader-" + name);
        reader.setDaemon(true);
        reader.start();
        Thread watcher = new Thread(() -> watch(started, console, reader, enclosure), "keeper-exit-" + name);
        watcher.setDaemon(true);
        watcher.start();
        return new Spawned(started.pid(), enclosure.unapplied());
    }

    /** A line of the keeper's own into the console, between the guest's output: to the log and the viewers. */
    private void note(String line) {
        byte[] bytes = ("\r\n[yucon] " + line + "\r\n").getBytes(StandardCharsets.UTF_8);
        received(bytes, bytes.length);
    }

    /** On the console reader: into the ring, and at once to the links that are caught up and can take it. */
    private void received(byte[] bytes, int length) {
        ring.append(bytes, 0, length, () -> links.forEach(KeeperSession::express));
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

    private synchronized ConsolePort currentPort() {
        return port;
    }

    /**
     * Reaps the run; the exit is reported once every process of the run is gone and the reader has drained the
     * last output, so that the next boot cannot find anything of this one still holding its files.
     */
    private void watch(UnixPtyProcess run, ConsolePort console, Thread reader, GuestEnclosure enclosure) {
        int status;
        try {
            status = run.waitFor();
            endRemains(run.pid());
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (reader.isAlive()) {
            console.close();
            log.warn("{}: its console reader did not end with its UML; its pty is left to the collector", name);
        } else {
            console.release();
        }
        enclosure.close();
        synchronized (this) {
            port = null;
            process = null;
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
