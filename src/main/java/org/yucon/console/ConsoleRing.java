package org.yucon.console;

import java.util.concurrent.TimeUnit;

/**
 * The last {@code capacity} bytes a guest printed, addressed by a sequence number that counts every byte ever
 * appended. One writer (the guest's console reader) appends and never waits for readers; any number of
 * readers copy out from their own cursor, and a reader whose cursor has been overwritten is told how many
 * bytes it lost. All fields are guarded by this object's monitor, held only for a copy.
 */
public final class ConsoleRing {
    /** What {@link #read} copied: {@code count} bytes, after skipping {@code missed} bytes that were overwritten. */
    public record Chunk(long from, int count, long missed) {
        public long next() {
            return from + count;
        }
    }

    private final byte[] buffer;
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
        notifyAll();
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
        long start = start();
        long missed = Math.max(0, start - from);
        long at = from + missed;
        int count = (int) Math.min(into.length, end - at);
        copyOut(at, into, count);
        return new Chunk(at, count, missed);
    }

    /** A copy of every byte held, oldest first. */
    public synchronized byte[] held() {
        long from = start();
        byte[] copy = new byte[(int) (end - from)];
        copyOut(from, copy, copy.length);
        return copy;
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
