package org.yucon.recording;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bytes may wait for the disk: per recording, and in all recordings together, so that a flood watched by
 * many viewers cannot fill the gateway's heap. Thread-safe: the viewers' threads take, the writer gives back.
 */
final class PendingBudget {
    /** Per recording: some 40 ms of a 25 MB/s flood, far more than a person types or reads. */
    static final long EACH = 1 << 20;
    /**
     * In all: sixteen recordings' worth. What waits is held long enough to reach the old generation, and the serial
     * collector sizes that to hold it with room to spare, then keeps what it grew: with 64 MB, one flood watched by 100
     * viewers left the gateway's heap at 307 MB committed (RSS 413 MB, against 183 MB with recordings off), while the
     * writer fell behind all the same and 110 of those recordings stopped early (BENCHMARKS.md, AMD EPYC).
     */
    static final long TOTAL = 16 << 20;

    private final long each;
    private final long total;
    private final AtomicLong used = new AtomicLong();

    PendingBudget(long each, long total) {
        this.each = each;
        this.total = total;
    }

    static PendingBudget standard() {
        return new PendingBudget(EACH, TOTAL);
    }

    /** Takes {@code bytes} for a recording that has {@code pending} waiting already; false when over either bound. */
    boolean take(long pending, long bytes) {
        if (pending + bytes > each) {
            return false;
        }
        if (used.addAndGet(bytes) > total) {
            used.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /** Gives back what was written or given up. */
    void give(long bytes) {
        used.addAndGet(-bytes);
    }
}
