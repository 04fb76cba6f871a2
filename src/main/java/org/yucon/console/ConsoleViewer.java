package org.yucon.console;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of a guest's console output: an SSH viewer, the log file, a link to the gateway. It has its own
 * cursor into the hub's ring and its own pump thread, so a consumer that stops reading only falls behind (and is
 * told how much it missed); it never holds up the guest or anybody else.
 */
public final class ConsoleViewer {
    private static final Logger log = LoggerFactory.getLogger(ConsoleViewer.class);
    private static final int CHUNK = 32 * 1024;

    private final ConsoleHub hub;
    private final String who;
    private final Instant since = Instant.now();
    private final ConsoleSink sink;
    private final Thread pump;
    /** Next sequence number to send; owned by the pump thread. */
    private long cursor;
    private final AtomicBoolean open = new AtomicBoolean(true);

    ConsoleViewer(ConsoleHub hub, String who, ConsoleSink sink, long cursor) {
        this.hub = hub;
        this.who = who;
        this.sink = sink;
        this.cursor = cursor;
        this.pump = new Thread(this::pump, "console-" + hub.guest() + "-" + who);
        pump.setDaemon(true);
    }

    void start() {
        pump.start();
    }

    public String who() {
        return who;
    }

    public Instant since() {
        return since;
    }

    /** True while this viewer may type into the guest. */
    public boolean isWriter() {
        return hub.writer() == this;
    }

    /** Sends keystrokes to the guest if this viewer is the writer; a read-only viewer's keys are dropped. */
    public void type(byte[] bytes, int offset, int length) throws IOException {
        hub.input(this, bytes, offset, length);
    }

    public void resize(int columns, int rows) throws IOException {
        hub.resize(this, columns, rows);
    }

    /**
     * Stops the pump and leaves the hub. Waits briefly for the pump to finish a write under way, so that what
     * the session draws next is not followed by a late piece of console output.
     */
    public void detach() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        hub.leave(this);
        if (Thread.currentThread() != pump) {
            pump.interrupt();
            try {
                pump.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void pump() {
        byte[] buffer = new byte[CHUNK];
        try {
            while (open.get()) {
                ConsoleRing.Chunk chunk = hub.ring().read(cursor, buffer, 1000);
                if (chunk.missed() > 0) {
                    sink.missed(chunk.missed());
                }
                if (chunk.count() > 0) {
                    sink.output(buffer, chunk.count());
                }
                cursor = chunk.next();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.debug("console viewer {} of {} gone: {}", who, hub.guest(), e.toString());
            detach();
        }
    }
}
