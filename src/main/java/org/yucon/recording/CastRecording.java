package org.yucon.recording;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * One viewer's recording in an asciicast file. The viewer's threads only queue events (with their time) under a
 * bound; the recordings' writer thread encodes and writes them. The console never waits for it: what comes while the
 * queue is over its bound (the writer does not keep up, as in a flood on a busy host) is left out, and where the
 * recording goes on a line in it says how much is missing there, as a console viewer that fell behind is told. A write
 * that fails (the disk is full) stops the recording there, and says why once.
 *
 * <p>Events gather for a moment before the writer is called ({@link #GATHER}): a key and its echo then cost the
 * console's threads no wake-up of the writer's, and the disk one write among many (measured: a write and a
 * wake-up per echo were 25-32 µs of CPU per key on a 2-CPU host, beside some 400 for the whole path).
 *
 * <p>Nothing is written before the viewer's window size is known ({@link #window}): the header carries it.
 */
final class CastRecording implements Recording {
    private enum State {
        /** Events queue; nothing is written until the size for the header is known. */
        SIZING,
        RECORDING,
        /** The viewer left: what is queued is written, then the file is closed. */
        ENDING,
        /** Done, or given up. */
        CLOSED
    }

    private record Event(long nanos, char code, byte[] bytes) {
    }

    /** Whether the writer has a drain of this recording to run, and how soon. */
    private enum Drain {
        NONE,
        /** Once events have gathered: see {@link #GATHER}. */
        LATER,
        NOW
    }

    /**
     * A batch's text goes to the file in pieces of about this size. In one piece, each drain of a flood's queue grew a
     * buffer to megabytes by doubling, and with 100 viewers that garbage pushed what was in flight into the old
     * generation and grew the gateway's heap by some 100 MB (BENCHMARKS.md).
     */
    private static final int WRITE_AT = 64 * 1024;
    /**
     * How long events gather before they are written, unless they reach {@link #WRITE_AT} first (a flood does so
     * long before it could reach {@link PendingBudget#EACH}). A recording played while it is made lags this much.
     */
    static final Duration GATHER = Duration.ofMillis(50);

    private final long id;
    private final Asciicast.Header start;
    private final boolean input;
    private final OutputStream file;
    private final Executor writer;
    /** Runs a task on the writer thread after {@link #GATHER}. */
    private final Executor gathered;
    /** How much may wait for the disk, this recording's and all of them together, before what comes is left out. */
    private final PendingBudget budget;
    /** Told once, on the writer thread, when the file is closed: why it stopped early, or null. */
    private final BiConsumer<Long, String> closed;
    private final long startNanos = System.nanoTime();

    private final Object lock = new Object();
    /** Guarded by lock. */
    private State state = State.SIZING;
    private final Deque<Event> queue = new ArrayDeque<>();
    private long pending;
    /** The drain the writer has to run for this recording, if any; guarded by lock. */
    private Drain queued = Drain.NONE;
    /** The window size last recorded; guarded by lock. */
    private int columns;
    private int rows;
    /** The first window size, the header's; set once, guarded by lock. */
    private int headerColumns;
    private int headerRows;
    /** Why the recording stopped early; guarded by lock. */
    private String stopped;
    /** Bytes left out since the last event queued, for the line that says so; guarded by lock. */
    private long skipped;

    // Owned by the writer thread.
    private boolean headerWritten;
    private final EventText shownText = new EventText();
    private final EventText typedText = new EventText();

    CastRecording(long id, Asciicast.Header start, boolean input, OutputStream file, Executor writer,
                  Executor gathered, PendingBudget budget, BiConsumer<Long, String> closed) {
        this.id = id;
        this.start = start;
        this.input = input;
        this.file = file;
        this.writer = writer;
        this.gathered = gathered;
        this.budget = budget;
        this.closed = closed;
    }

    @Override
    public void shown(byte[] bytes, int length) {
        offer('o', Arrays.copyOf(bytes, length));
    }

    @Override
    public void typed(byte[] bytes, int offset, int length) {
        if (input) {
            offer('i', Arrays.copyOfRange(bytes, offset, offset + length));
        }
    }

    @Override
    public void window(int columns, int rows) {
        synchronized (lock) {
            if (state == State.SIZING) {
                sized(columns, rows);
                state = State.RECORDING;
                drainNow();
            } else if (state == State.RECORDING && (columns != this.columns || rows != this.rows)) {
                this.columns = columns;
                this.rows = rows;
                // Never left out, however much waits: what follows is shown at this size.
                queueSkipped();
                queueEvent('r', (columns + "x" + rows).getBytes(StandardCharsets.US_ASCII));
                drainSoon();
            }
        }
    }

    @Override
    public void end() {
        synchronized (lock) {
            if (state == State.SIZING) {
                sized(80, 24);
            }
            if (state == State.SIZING || state == State.RECORDING) {
                queueSkipped();
                state = State.ENDING;
                drainNow();
            }
        }
    }

    /** Caller holds lock. */
    private void sized(int columns, int rows) {
        this.columns = columns;
        this.rows = rows;
        headerColumns = columns;
        headerRows = rows;
    }

    private void offer(char code, byte[] bytes) {
        synchronized (lock) {
            if (state != State.SIZING && state != State.RECORDING) {
                return;
            }
            if (!budget.take(pending, bytes.length)) {
                skipped += bytes.length;
                return;
            }
            queueSkipped();
            queueEvent(code, bytes);
            pending += bytes.length;
            if (state == State.RECORDING) {
                drainSoon();
            }
        }
    }

    /** Caller holds lock: the line that says what was left out before this place, if anything was. */
    private void queueSkipped() {
        if (skipped > 0) {
            queueEvent('o', ("\r\n[yucon] " + skipped + " bytes not recorded here: the recording's writer did not keep up"
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            skipped = 0;
        }
    }

    /** Caller holds lock: what the bound took, or a few bytes outside it that are never left out. */
    private void queueEvent(char code, byte[] bytes) {
        queue.add(new Event(System.nanoTime() - startNanos, code, bytes));
    }

    /** Caller holds lock: gives up what is queued; the writer closes the file. */
    private void stop(String why) {
        stopped = why;
        queue.clear();
        budget.give(pending);
        pending = 0;
        state = State.ENDING;
        drainNow();
    }

    /** Caller holds lock: at once once a write's worth waits, else once events have gathered. */
    private void drainSoon() {
        if (pending >= WRITE_AT) {
            drainNow();
        } else if (queued == Drain.NONE) {
            queued = Drain.LATER;
            gathered.execute(this::drain);
        }
    }

    /** Caller holds lock. A drain queued for later may still run: it finds little or nothing to write. */
    private void drainNow() {
        if (queued != Drain.NOW) {
            queued = Drain.NOW;
            writer.execute(this::drain);
        }
    }

    /** On the writer thread: writes what is queued; closes the file once the viewer left. */
    private void drain() {
        Event[] batch;
        long taken;
        boolean ending;
        int width;
        int height;
        synchronized (lock) {
            queued = Drain.NONE;
            if (state == State.CLOSED) {
                return;
            }
            batch = queue.toArray(new Event[0]);
            queue.clear();
            taken = pending;
            pending = 0;
            ending = state == State.ENDING;
            width = headerColumns;
            height = headerRows;
        }
        try {
            write(batch, width, height);
        } catch (IOException e) {
            synchronized (lock) {
                stop("writing failed: " + e.getMessage());
            }
            ending = true;
        } finally {
            budget.give(taken);
        }
        if (ending) {
            close();
        }
    }

    private void write(Event[] batch, int width, int height) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        if (!headerWritten) {
            headerWritten = true;
            text.writeBytes(new Asciicast.Header(start.guest(), start.account(), start.address(), start.channel(),
                    start.start(), width, height).line().getBytes(StandardCharsets.UTF_8));
        }
        for (Event e : batch) {
            text.writeBytes(Asciicast.eventStart(e.nanos(), e.code()));
            switch (e.code()) {
                case 'o' -> shownText.append(e.bytes(), text);
                case 'i' -> typedText.append(e.bytes(), text);
                default -> text.writeBytes(e.bytes()); // a window size: digits and an x
            }
            text.writeBytes(Asciicast.EVENT_END);
            if (text.size() >= WRITE_AT) {
                text.writeTo(file);
                text.reset();
            }
        }
        text.writeTo(file);
        file.flush();
    }

    private void close() {
        String why;
        synchronized (lock) {
            state = State.CLOSED;
            why = stopped;
        }
        try {
            file.close();
        } catch (IOException e) {
            why = why != null ? why : "closing failed: " + e.getMessage();
        }
        closed.accept(id, why);
    }
}
