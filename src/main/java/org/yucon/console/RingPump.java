package org.yucon.console;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a ring's bytes to one sink through its own {@link ConsoleRing.Reader}: a sink that keeps up slows the
 * guest to its pace and misses nothing; one that stalls is let go by the ring, falls behind and is told how much
 * it missed. Stops when told to or when the sink fails.
 *
 * <p>Bytes go out on the pump's own thread, except an interactive amount (an echo, a prompt) for a sink that is
 * caught up and can take it without blocking: that goes out at once on the appender's thread ({@link #express}),
 * which saves a thread wake-up on the keystroke's way back. The two never send at once ({@link #sending}). More
 * than that but less than a chunk is a flood's piece: the pump lets the rest gather for a moment first. (The
 * console log, which nobody reads as it is written, has a writer of its own: {@link LogWriter}.)
 */
public final class RingPump {
    private static final Logger log = LoggerFactory.getLogger(RingPump.class);
    private static final int CHUNK = 32 * 1024;
    /** The most {@link #express} sends: an echo, a prompt, a line; more is a flood, sent in bigger packets by the pump. */
    static final int EXPRESS_BYTES = 512;
    /**
     * How long a flood's output may gather before less than a chunk of it is sent. UML prints a flood in writes of
     * some 2 KB; sent as they came, each was a frame to the gateway, a write to the log and an SSH packet (20,000 of
     * each per 40 MB), work that on two CPUs came out of the guest's own time. Gathered, they go in frames of some
     * 28 KB. Less than {@link #EXPRESS_BYTES} (an echo, a prompt) is never held.
     */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * How long an idle pump sleeps before it looks again whether it still runs; {@link #stop} wakes it anyway. Once a
     * second, a host's hundred quiet guests woke their keeper's two hundred pumps 200 times a second for nothing.
     */
    private static final long IDLE_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(1);

    /** Told once the pump has stopped because its sink failed. */
    public interface Ended {
        void sinkFailed(IOException cause);
    }

    private final ConsoleRing.Reader reader;
    private final ConsoleSink sink;
    private final Ended ended;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Held while bytes are read from the ring and sent; guards the buffers, so that output stays in order. */
    private final ReentrantLock sending = new ReentrantLock();
    private final byte[] buffer = new byte[CHUNK];
    private final byte[] expressBuffer = new byte[EXPRESS_BYTES];
    /** From how many unread bytes output waits for more, and how long. */
    private final long gatherFrom;
    private final long gatherNanos;

    /** Reads through {@code reader} (used by the thread catching up before start, then by the pump thread). */
    public RingPump(String name, ConsoleRing.Reader reader, ConsoleSink sink, Ended ended) {
        this(name, reader, sink, ended, EXPRESS_BYTES, GATHER_NANOS);
    }

    RingPump(String name, ConsoleRing.Reader reader, ConsoleSink sink, Ended ended, long gatherFrom, long gatherNanos) {
        this.reader = reader;
        this.sink = sink;
        this.ended = ended;
        this.gatherFrom = gatherFrom;
        this.gatherNanos = gatherNanos;
        this.thread = new OutputThread(this::run, name);
    }

    /**
     * Sends the output from the cursor up to {@code end} through {@code to} (a filter before this pump's sink) on
     * the caller's thread, before {@link #start}: whatever the caller writes to the sink next comes after it, not in
     * the middle of it.
     */
    public void catchUp(long end, ConsoleSink to) throws IOException, InterruptedException {
        while (reader.cursor() < end) {
            sendLocked(to);
        }
    }

    public void start() {
        thread.start();
    }

    /**
     * On the appender's thread, right after an append and before the pump is woken: sends the new output now if
     * it is small, the pump is idle and the sink takes it without blocking. Otherwise leaves it to the pump.
     */
    public void express() {
        if (!running.get() || !sending.tryLock()) {
            return;
        }
        try {
            ConsoleRing.Chunk chunk = reader.peek(expressBuffer);
            boolean whole = chunk.count() > 0 && chunk.count() < expressBuffer.length && chunk.missed() == 0;
            if (whole && sink.offer(expressBuffer, chunk.count())) {
                reader.skipTo(chunk.next());
            }
        } catch (IOException e) {
            log.debug("{}: a direct write failed ({}); the pump will find out", thread.getName(), e.toString());
        } finally {
            sending.unlock();
        }
    }

    /** The sink looks elsewhere for a while: the guest does not wait for it until it has caught up again. */
    public void away() {
        reader.stopHolding();
    }

    /** Stops the pump; waits briefly for a write under way, so that nothing of it arrives after this returns. */
    public void stop() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        reader.close();
        if (Thread.currentThread() == thread) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (running.get()) {
                long unread = reader.awaitOutput(IDLE_WAIT_MILLIS);
                if (unread > 0) {
                    gather(unread);
                    sendLocked(sink);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.debug("{} stopped: {}", thread.getName(), e.toString());
            if (running.compareAndSet(true, false)) {
                reader.close();
                ended.sinkFailed(e);
            }
        }
    }

    /** Less than a chunk, but enough to gather (a flood's piece): waits a moment for the rest. */
    private void gather(long unread) throws InterruptedException {
        if (unread >= gatherFrom && unread < CHUNK) {
            reader.awaitGathered(CHUNK, gatherNanos);
        }
    }

    /** Sends what the ring has from the cursor on, up to a chunk, to {@code to}, holding {@link #sending}. */
    private void sendLocked(ConsoleSink to) throws IOException, InterruptedException {
        sending.lockInterruptibly();
        try {
            reader.readTo(buffer, to);
        } finally {
            sending.unlock();
        }
    }
}
