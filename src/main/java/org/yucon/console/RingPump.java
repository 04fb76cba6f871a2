package org.yucon.console;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a ring's bytes to one sink on a thread of its own, through its own {@link ConsoleRing.Reader}: a sink
 * that keeps up slows the guest to its pace and misses nothing; one that stalls is let go by the ring, falls
 * behind and is told how much it missed. Stops when told to or when the sink fails.
 */
public final class RingPump {
    private static final Logger log = LoggerFactory.getLogger(RingPump.class);
    private static final int CHUNK = 32 * 1024;

    /** Told once the pump has stopped because its sink failed. */
    public interface Ended {
        void sinkFailed(IOException cause);
    }

    private final ConsoleRing.Reader reader;
    private final ConsoleSink sink;
    private final Ended ended;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);

    /** Reads through {@code reader} (used by the thread catching up before start, then by the pump thread). */
    public RingPump(String name, ConsoleRing.Reader reader, ConsoleSink sink, Ended ended) {
        this.reader = reader;
        this.sink = sink;
        this.ended = ended;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /**
     * Sends the output from the cursor up to {@code end} on the caller's thread, before {@link #start}: whatever
     * the caller writes to the sink next comes after it, not in the middle of it.
     */
    public void catchUp(long end) throws IOException, InterruptedException {
        byte[] buffer = new byte[CHUNK];
        while (reader.cursor() < end) {
            send(buffer, 0);
        }
    }

    public void start() {
        thread.start();
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
        byte[] buffer = new byte[CHUNK];
        try {
            while (running.get()) {
                send(buffer, 1000);
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

    /** Sends what the ring has from the cursor on, waiting up to {@code waitMillis} for something to arrive. */
    private void send(byte[] buffer, long waitMillis) throws IOException, InterruptedException {
        ConsoleRing.Chunk chunk = reader.read(buffer, waitMillis);
        if (chunk.missed() > 0) {
            sink.missed(chunk.missed());
        }
        if (chunk.count() > 0) {
            sink.output(buffer, chunk.count());
        }
    }
}
