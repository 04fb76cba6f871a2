package org.yucon.console;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * The last {@code capacity} bytes a guest printed, addressed by a sequence number that counts every byte ever
 * appended. One writer (the guest's console reader) appends and never waits for readers; any number of
 * readers copy out from their own cursor, and a reader whose cursor has been overwritten is told how many
 * bytes it lost. Output lost before it reached the ring (a {@link #gap}) is counted the same way, so a reader's
 * count of what it missed is exact whatever was lost where. All fields are guarded by this object's monitor,
 * held only for a copy.
 */
public final class ConsoleRing {
    /** What {@link #read} copied: {@code count} bytes, after skipping {@code missed} bytes that were overwritten. */
    public record Chunk(long from, int count, long missed) {
        public long next() {
            return from + count;
        }
    }

    /** Sequence numbers {@code [start, end)} that hold no output: it was lost before it reached this ring. */
    private record Gap(long start, long end) {
    }

    /** Where a read can copy from: {@code at}, after {@code missed} unreadable bytes, up to {@code limit}. */
    private record Segment(long at, long missed, long limit) {
    }

    private final byte[] buffer;
    private final Deque<Gap> gaps = new ArrayDeque<>();
    private long end;
    private boolean closed;

    public ConsoleRing(int capacity) {
        this.buffer = new byte[capacity];
    }

    public synchronized void append(byte[] bytes, int offset, int length) {
        int skip = Math.max(0, length - buffer.length);
        offset += skip;
        length -= skip;
        end += skip;
        int at = (int) (end % buffer.length);
        int first = Math.min(length, buffer.length - at);
        System.arraycopy(bytes, offset, buffer, at, first);
        System.arraycopy(bytes, offset + first, buffer, 0, length - first);
        end += length;
        forgetOldGaps();
        notifyAll();
    }

    /** {@code length} bytes of output were lost upstream: they take their place in the sequence, holding nothing. */
    public synchronized void gap(long length) {
        if (length > 0) {
            gaps.addLast(new Gap(end, end + length));
            end += length;
            forgetOldGaps();
            notifyAll();
        }
    }

    /** Sequence number one past the last byte appended. */
    public synchronized long end() {
        return end;
    }

    /** Oldest sequence number still held. */
    public synchronized long start() {
        return Math.max(0, end - buffer.length);
    }

    /**
     * Copies bytes from {@code from} on into {@code into}, waiting up to {@code waitMillis} for any to arrive.
     * A count of 0 means nothing arrived in time, or the ring was closed.
     */
    public synchronized Chunk read(long from, byte[] into, long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (from >= end && !closed) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return new Chunk(from, 0, 0);
            }
            wait(left);
        }
        if (from >= end) {
            return new Chunk(from, 0, 0);
        }
        Segment segment = segment(from);
        int count = (int) Math.min(into.length, segment.limit() - segment.at());
        copyOut(segment.at(), into, count);
        return new Chunk(segment.at(), count, segment.missed());
    }

    /** A copy of every byte held, oldest first, gaps left out. */
    public synchronized byte[] held() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        for (long at = start(); at < end; ) {
            Segment segment = segment(at);
            byte[] part = new byte[(int) (segment.limit() - segment.at())];
            copyOut(segment.at(), part, part.length);
            copy.writeBytes(part);
            at = segment.limit();
        }
        return copy.toByteArray();
    }

    /** Caller holds the monitor: from {@code from} on, past what was overwritten and any gap, to the next gap. */
    private Segment segment(long from) {
        long at = Math.max(from, start());
        for (Gap gap : gaps) {
            if (gap.end() > at && gap.start() <= at) {
                at = gap.end();
            }
        }
        long limit = end;
        for (Gap gap : gaps) {
            if (gap.start() >= at) {
                limit = gap.start();
                break;
            }
        }
        return new Segment(at, at - from, limit);
    }

    /** Caller holds the monitor: gaps wholly older than the ring's start concern nobody any more. */
    private void forgetOldGaps() {
        while (!gaps.isEmpty() && gaps.peekFirst().end() <= start()) {
            gaps.removeFirst();
        }
    }

    /** Caller holds the monitor; {@code count} bytes from sequence number {@code at} on are held. */
    private void copyOut(long at, byte[] into, int count) {
        int pos = (int) (at % buffer.length);
        int first = Math.min(count, buffer.length - pos);
        System.arraycopy(buffer, pos, into, 0, first);
        System.arraycopy(buffer, 0, into, first, count - first);
    }

    /** Wakes every reader for good; used when the hub shuts down. */
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
