package org.yucon.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The last {@code capacity} bytes a guest printed, addressed by a sequence number that counts every byte ever
 * appended. Output lost before it reached the ring (a {@link #gap}) takes its place in the sequence, so a
 * reader's count of what it missed is exact whatever was lost where.
 *
 * <p>Flow control, as on a serial line with a bounded pause: a {@link Reader} holds the appender back rather than
 * lose bytes it has not read yet, but the appender waits at most the ring's hold limit per append. A reader that
 * still has not made room by then is let go (it is told later how much it missed) and holds again only once it
 * has caught up with the present. So readers that keep up see every byte however fast the guest prints (the
 * guest is slowed to their pace, as screen slows a program to its display), while a stalled reader costs the
 * guest one pause, not its output.
 *
 * <p>Memory follows use: the buffer starts small and doubles, up to {@code capacity}, as output arrives, so a host's
 * quiet guests cost kilobytes each, not their rings' full size. Growing changes nothing a reader can see: whatever
 * its size, the buffer holds every sequence number from {@link #start} on, as a full-sized one would.
 *
 * <p>One appender at a time is the rule (the guest's console reader, or the keeper link's reader), plus short
 * lines of the gateway's own; any number of readers. All state is guarded by {@link #lock}, held only for a
 * copy or a wait.
 */
public final class ConsoleRing {
    /** What a {@link Reader} copied: {@code count} bytes, after skipping {@code missed} bytes that were overwritten. */
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

    /** What a ring holds at first; a guest's boot messages alone are some 10-20 KB. */
    static final int FIRST_SIZE = 8 << 10;

    private final int capacity;
    /** Grows (see {@link #holdSpan}) up to {@link #capacity}; replaced under the lock only. */
    private byte[] buffer;
    private final long holdNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roomMade = lock.newCondition();
    private final Deque<Gap> gaps = new ArrayDeque<>();
    private final List<Reader> readers = new ArrayList<>();
    private long end;
    private int appendersWaiting;
    private boolean closed;

    /** A ring whose appender never waits for readers. */
    public ConsoleRing(int capacity) {
        this(capacity, Duration.ZERO);
    }

    /** A ring whose appender waits up to {@code holdLimit} per append for its readers to make room. */
    public ConsoleRing(int capacity, Duration holdLimit) {
        this.capacity = capacity;
        this.buffer = new byte[Math.min(capacity, FIRST_SIZE)];
        this.holdNanos = holdLimit.toNanos();
    }

    public void append(byte[] bytes, int offset, int length) {
        append(bytes, offset, length, () -> { });
    }

    /**
     * Appends, then runs {@code beforeWake} on this thread before the readers still waiting for output are woken:
     * the appender may hand small output to some readers itself ({@link RingPump#express}), which saves them a
     * thread wake-up.
     */
    public void append(byte[] bytes, int offset, int length, Runnable beforeWake) {
        lock.lock();
        try {
            makeRoom(length);
            holdSpan(end + length);
            int skip = Math.max(0, length - capacity);
            offset += skip;
            length -= skip;
            end += skip;
            int at = (int) (end % buffer.length);
            int first = Math.min(length, buffer.length - at);
            System.arraycopy(bytes, offset, buffer, at, first);
            System.arraycopy(bytes, offset + first, buffer, 0, length - first);
            end += length;
            forgetOldGaps();
        } finally {
            lock.unlock();
        }
        beforeWake.run();
        lock.lock();
        try {
            wakeBehind();
        } finally {
            lock.unlock();
        }
    }

    /** {@code length} bytes of output were lost upstream: they take their place in the sequence, holding nothing. */
    public void gap(long length) {
        lock.lock();
        try {
            if (length > 0) {
                gaps.addLast(new Gap(end, end + length));
                holdSpan(end + length);
                end += length;
                forgetOldGaps();
                wakeBehind();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sequence number one past the last byte appended. */
    public long end() {
        lock.lock();
        try {
            return end;
        } finally {
            lock.unlock();
        }
    }

    /** The bytes the buffer takes now (it grows with use up to the capacity). */
    int allocated() {
        lock.lock();
        try {
            return buffer.length;
        } finally {
            lock.unlock();
        }
    }

    /** Oldest sequence number still held. */
    public long start() {
        lock.lock();
        try {
            return oldest();
        } finally {
            lock.unlock();
        }
    }

    /** A reader from {@code from} on that holds the appender back (see the class comment) until it is closed. */
    public Reader reader(long from) {
        lock.lock();
        try {
            Reader reader = new Reader(from);
            readers.add(reader);
            return reader;
        } finally {
            lock.unlock();
        }
    }

    /** A copy of every byte held, oldest first, gaps left out. */
    public byte[] held() {
        lock.lock();
        try {
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            for (long at = oldest(); at < end; ) {
                Segment segment = segment(at);
                byte[] part = new byte[(int) (segment.limit() - segment.at())];
                copyOut(segment.at(), part, part.length);
                copy.writeBytes(part);
                at = segment.limit();
            }
            return copy.toByteArray();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every reader for good; used when the hub shuts down. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            readers.forEach(reader -> reader.arrived.signal());
        } finally {
            lock.unlock();
        }
    }

    /**
     * One consumer's cursor, used by one thread at a time. While it holds, the appender does not overwrite what
     * it has not read (within the hold limit).
     */
    public final class Reader implements AutoCloseable {
        /** Signalled when output arrives for this reader alone, so that a wake-up goes only where it is needed. */
        private final Condition arrived = lock.newCondition();
        /** Guarded by the ring's lock, like everything here. */
        private long cursor;
        private boolean holds = true;
        /** How many unread bytes wake this reader: 1 (any output), or more while it {@link #awaitGathered gathers}. */
        private long wakeAt = 1;

        private Reader(long from) {
            this.cursor = from;
        }

        /**
         * Waits up to {@code waitMillis} until there is something to read; returns how many bytes follow the cursor
         * (any already overwritten included), 0 if none came (or the ring closed).
         */
        public long awaitOutput(long waitMillis) throws InterruptedException {
            lock.lock();
            try {
                long left = TimeUnit.MILLISECONDS.toNanos(waitMillis);
                while (cursor >= end && !closed && left > 0) {
                    left = arrived.awaitNanos(left);
                }
                return Math.max(0, end - cursor);
            } finally {
                lock.unlock();
            }
        }

        /**
         * Waits up to {@code nanos} until at least {@code bytes} follow the cursor. Appends of less do not wake this
         * reader, so the pieces of a flood gather without a thread wake-up each.
         */
        public void awaitGathered(long bytes, long nanos) throws InterruptedException {
            lock.lock();
            try {
                wakeAt = bytes;
                long left = nanos;
                while (end - cursor < bytes && !closed && left > 0) {
                    left = arrived.awaitNanos(left);
                }
            } finally {
                wakeAt = 1;
                lock.unlock();
            }
        }

        /** Copies what follows the cursor, without waiting and without moving the cursor (see {@link #skipTo}). */
        public Chunk peek(byte[] into) {
            lock.lock();
            try {
                return copy(cursor, into);
            } finally {
                lock.unlock();
            }
        }

        /** Moves the cursor to {@code next}, after what a {@link #peek} copied was sent. */
        public void skipTo(long next) {
            lock.lock();
            try {
                cursor = Math.max(cursor, next);
                caughtUp();
            } finally {
                lock.unlock();
            }
        }

        /** Copies what follows the cursor, without waiting (see {@link #awaitOutput}), and moves the cursor past it. */
        public Chunk read(byte[] into) {
            lock.lock();
            try {
                Chunk chunk = copy(cursor, into);
                cursor = chunk.next();
                caughtUp();
                return chunk;
            } finally {
                lock.unlock();
            }
        }

        /**
         * {@link #read}s into {@code into} and hands the chunk to {@code to} (outside the ring's lock): first how many
         * bytes it missed, if any, then the bytes.
         */
        public Chunk readTo(byte[] into, ConsoleSink to) throws IOException {
            Chunk chunk = read(into);
            if (chunk.missed() > 0) {
                to.missed(chunk.missed());
            }
            if (chunk.count() > 0) {
                to.output(into, chunk.count());
            }
            return chunk;
        }

        /** The next sequence number this reader will read. */
        public long cursor() {
            lock.lock();
            try {
                return cursor;
            } finally {
                lock.unlock();
            }
        }

        /** Caller holds the lock: the cursor moved; a reader at the present holds again; a waiting appender may go on. */
        private void caughtUp() {
            if (cursor >= end) {
                holds = true;
            }
            roomMayBeMade();
        }

        /** Stops holding the appender until this reader has caught up with the present again. */
        public void stopHolding() {
            lock.lock();
            try {
                holds = false;
                roomMayBeMade();
            } finally {
                lock.unlock();
            }
        }

        /** Stops holding the appender, for good. */
        @Override
        public void close() {
            lock.lock();
            try {
                readers.remove(this);
                roomMayBeMade();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Caller holds the lock: a reader moved on or stopped holding; an appender waiting for room looks again. */
    private void roomMayBeMade() {
        if (appendersWaiting > 0) {
            roomMade.signalAll();
        }
    }

    /** Caller holds the lock. */
    private void wakeBehind() {
        for (Reader reader : readers) {
            if (end - reader.cursor >= reader.wakeAt) {
                reader.arrived.signal();
            }
        }
    }

    /** Caller holds the lock. */
    private Chunk copy(long from, byte[] into) {
        if (from >= end) {
            return new Chunk(from, 0, 0);
        }
        Segment segment = segment(from);
        int count = (int) Math.min(into.length, segment.limit() - segment.at());
        copyOut(segment.at(), into, count);
        return new Chunk(segment.at(), count, segment.missed());
    }

    /**
     * Caller holds the lock: waits, up to the hold limit, until appending {@code length} bytes overwrites nothing
     * a holding reader has yet to read; readers that still would lose bytes then are let go.
     */
    private void makeRoom(int length) {
        long left = holdNanos;
        appendersWaiting++;
        try {
            while (blocksAppend(end + length - capacity)) {
                if (left <= 0) {
                    letGoBelow(end + length - capacity);
                    return;
                }
                left = roomMade.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            letGoBelow(end + length - capacity);
        } finally {
            appendersWaiting--;
        }
    }

    /** Caller holds the lock: whether a holding reader has not read past {@code overwritten} yet. */
    private boolean blocksAppend(long overwritten) {
        for (Reader reader : readers) {
            if (reader.holds && reader.cursor < overwritten) {
                return true;
            }
        }
        return false;
    }

    /** Caller holds the lock. */
    private void letGoBelow(long overwritten) {
        for (Reader reader : readers) {
            if (reader.cursor < overwritten) {
                reader.holds = false;
            }
        }
    }

    /** Caller holds the lock. */
    private long oldest() {
        return Math.max(0, end - capacity);
    }

    /**
     * Caller holds the lock: makes the buffer large enough to hold every sequence number from the oldest one kept
     * up to {@code newEnd}, doubling it (at most to the capacity) and moving what it holds to the new places.
     */
    private void holdSpan(long newEnd) {
        long span = Math.min(newEnd, capacity);
        if (span <= buffer.length) {
            return;
        }
        int size = buffer.length;
        while (size < span) {
            size = (int) Math.min(capacity, 2L * size);
        }
        long from = oldest();
        byte[] held = new byte[(int) (end - from)];
        copyOut(from, held, held.length);
        buffer = new byte[size];
        int at = (int) (from % size);
        int first = Math.min(held.length, size - at);
        System.arraycopy(held, 0, buffer, at, first);
        System.arraycopy(held, first, buffer, 0, held.length - first);
    }

    /** Caller holds the lock: from {@code from} on, past what was overwritten and any gap, to the next gap. */
    private Segment segment(long from) {
        long at = Math.max(from, oldest());
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

    /** Caller holds the lock: gaps wholly older than the ring's start concern nobody any more. */
    private void forgetOldGaps() {
        while (!gaps.isEmpty() && gaps.peekFirst().end() <= oldest()) {
            gaps.removeFirst();
        }
    }

    /** Caller holds the lock; {@code count} bytes from sequence number {@code at} on are held. */
    private void copyOut(long at, byte[] into, int count) {
        int pos = (int) (at % buffer.length);
        int first = Math.min(count, buffer.length - pos);
        System.arraycopy(buffer, pos, into, 0, first);
        System.arraycopy(buffer, 0, into, first, count - first);
    }
}
