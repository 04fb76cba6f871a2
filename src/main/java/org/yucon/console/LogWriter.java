package org.yucon.console;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that writes the console logs of every guest, each through its own {@link ConsoleRing.Reader}. Nobody
 * reads a log as it is written, so output gathers before it is written: for {@link #GATHER_NANOS} after it
 * arrived, or until a {@link #CHUNK} of it waits. A log that keeps up slows its guest to the disk's pace and misses
 * nothing; one that stalls is let go by its ring and told later how much it missed, like any reader.
 *
 * <p>A thread of its own per log waited, idle, beside every guest's reader (a hundred guests, a hundred threads,
 * each some 130 KB of resident stack); the logs share one disk, so one writer loses them nothing. A write that
 * blocks delays the other logs, never a guest's console or its viewers.
 *
 * <p>Threads: {@link Log#arrived} on the guest's console reader, the writer's own thread, and whoever
 * {@link Log#finish finishes} a log; the queues are guarded by {@link #lock}, a log's reader by its {@code sending}.
 */
public final class LogWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogWriter.class);
    /**
     * As much output as is written at once; this much waiting is written without gathering longer. In a flood each
     * chunk is a wake-up of the writer and a write(2): with 32 KB the log took 1.7 ms of the keeper's CPU per MB, with
     * 128 KB 0.9 (Intel Xeon, 2 CPUs).
     */
    static final int CHUNK = 128 * 1024;
    /**
     * How long output gathers, however little: written as it came, every keystroke's echo was one more thread
     * wake-up and write(2) beside its way back to the user (a ninth of the keeper's CPU in an echo run, on a
     * machine with two CPUs). Far below the ring's hold on its readers.
     */
    static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** The most chunks one log's turn writes (256 KB): then the next log waiting has its turn. */
    private static final int TURN_CHUNKS = 2;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition due = lock.newCondition();
    // Guarded by lock.
    /** Logs with a chunk waiting, in the order they got it. */
    private final ArrayDeque<Log> full = new ArrayDeque<>();
    /** Logs with output gathering, in the order it began (and so of when it is due), each with that time. */
    private final ArrayDeque<Gathering> gathering = new ArrayDeque<>();
    private boolean closed;
    /** Used on the writer's thread only. */
    private final byte[] buffer = new byte[CHUNK];

    private record Gathering(Log log, long dueAt) {
    }

    public LogWriter(String threadName) {
        Thread thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts writing what {@code reader} reads to {@code sink}, beginning with what it is behind already;
     * {@code failed} is told if the sink fails.
     */
    public Log start(String name, ConsoleRing.Reader reader, ConsoleSink sink, RingPump.Ended failed) {
        Log started = new Log(name, reader, sink, failed);
        queue(started, false);
        return started;
    }

    /** Stops the writer's thread; logs not finished yet keep what they had not written. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            due.signal();
        } finally {
            lock.unlock();
        }
    }

    /** One guest's log. */
    public final class Log {
        private final String name;
        private final ConsoleRing.Reader reader;
        private final ConsoleSink sink;
        private final RingPump.Ended failed;
        /** Held while bytes are read from the ring and written, so that output stays in order. */
        private final ReentrantLock sending = new ReentrantLock();
        /** Bytes arrived since the writer last took this log: the first of them queues it, a chunk hurries it. */
        private final AtomicLong unwritten = new AtomicLong();
        private volatile boolean open = true;

        private Log(String name, ConsoleRing.Reader reader, ConsoleSink sink, RingPump.Ended failed) {
            this.name = name;
            this.reader = reader;
            this.sink = sink;
            this.failed = failed;
        }

        /** On the appender's thread, after an append of {@code length} bytes. */
        public void arrived(int length) {
            long now = unwritten.addAndGet(length);
            if (now == length) {
                queue(this, false);
            } else if (now >= CHUNK && now - length < CHUNK) {
                queue(this, true);
            }
        }

        /**
         * Stops writing this log, then writes on the caller's thread what came before {@code end} and was not
         * written yet (a change of settings, the keeper's exit).
         */
        public void finish(long end) {
            open = false;
            byte[] into = new byte[CHUNK];
            sending.lock();
            try {
                while (reader.cursor() < end && write(into) >= 0) {
                    // Chunk by chunk, up to end; a failed sink stops it.
                }
            } finally {
                sending.unlock();
                reader.close();
            }
        }

        /**
         * On the writer's thread: what waits, up to {@link #TURN_CHUNKS} chunks; a log with more waiting is queued
         * again behind the others, so that one guest's flood does not keep the other logs waiting.
         */
        private void writeWaiting() {
            unwritten.set(0);
            if (!open || !sending.tryLock()) {
                return; // Finished, or being finished: the finishing thread writes the rest.
            }
            try {
                int written;
                int chunks = 0;
                do {
                    written = write(buffer);
                } while (written == buffer.length && open && ++chunks < TURN_CHUNKS);
                if (written == buffer.length && open) {
                    queue(this, true);
                }
            } finally {
                sending.unlock();
            }
        }

        /** Caller holds {@link #sending}: one chunk from the cursor on; how many bytes, -1 once the sink failed. */
        private int write(byte[] into) {
            try {
                return reader.readTo(into, sink).count();
            } catch (IOException e) {
                open = false;
                reader.close();
                log.debug("the log of {} stopped: {}", name, e.toString());
                failed.sinkFailed(e);
                return -1;
            }
        }
    }

    private void queue(Log target, boolean hurried) {
        lock.lock();
        try {
            if (hurried) {
                full.add(target);
            } else {
                gathering.add(new Gathering(target, System.nanoTime() + GATHER_NANOS));
            }
            due.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        try {
            for (Log next = next(); next != null; next = next()) {
                next.writeWaiting();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the next log due: one with a chunk waiting, else the one that has gathered longest, once due. */
    private Log next() throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                if (!full.isEmpty()) {
                    return full.poll();
                }
                Gathering first = gathering.peek();
                if (first == null) {
                    due.await();
                } else {
                    long wait = first.dueAt() - System.nanoTime();
                    if (wait <= 0) {
                        return gathering.poll().log();
                    }
                    due.awaitNanos(wait);
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }
}
