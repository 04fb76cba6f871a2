package org.yucon.guest;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

/**
 * How many of a host's guests are in their kernel's start at once. A UML's start takes a CPU for a second or more,
 * and the kernel shares the CPUs out by session, one per UML: a hundred guests started together (an admin's boots
 * one after the other, a host's autostart) left the gateway's session a hundredth of them, and {@code status} and
 * the menus waited for a CPU for up to half a second (BENCHMARKS.md). So at most {@code limit} guests boot at once,
 * as OpenStack's {@code max_concurrent_builds} does for its hosts; the others wait their turn, first come first
 * served. A turn is handed to the next boot as the one before ends it, so the host stays as busy as the limit allows.
 *
 * <p>Touched by sessions' threads, the scheduler and the keeper link's reader, each in a short hold of this monitor,
 * which never calls out. A boot whose turn comes when another ends starts on {@code starter}: it asks the keeper,
 * and the thread that ended the turn may be the one that reads the keeper's answers.
 */
public final class BootTurns {
    private final int limit;
    private final Executor starter;
    // Guarded by this.
    private int going;
    private final Deque<Runnable> waiting = new ArrayDeque<>();

    public BootTurns(int limit, Executor starter) {
        if (limit < 1) {
            throw new IllegalArgumentException("at least one boot at a time, not " + limit);
        }
        this.limit = limit;
        this.starter = starter;
    }

    /**
     * Takes a turn for a boot: 0 when one is free (the caller starts the boot itself and ends the turn later), else
     * how many boots wait, this one included; {@code start} then runs on the starter when the turn comes.
     */
    public synchronized int take(Runnable start) {
        if (going < limit) {
            going++;
            return 0;
        }
        waiting.addLast(start);
        return waiting.size();
    }

    /** A boot that waits for its turn gives it up; false if its turn has come already (its start is under way). */
    public synchronized boolean withdraw(Runnable start) {
        return waiting.remove(start);
    }

    /** A boot ends its turn: the next waiting one has it. */
    public void end() {
        Runnable next;
        synchronized (this) {
            next = waiting.pollFirst();
            if (next == null) {
                going--;
            }
        }
        if (next != null) {
            starter.execute(next);
        }
    }
}
