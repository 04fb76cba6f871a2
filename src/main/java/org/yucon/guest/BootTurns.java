package org.yucon.guest;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
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
 * and the thread that ended the turn may be the one that reads the keeper's answers. {@code onWaiting} is told,
 * outside this monitor but maybe under a guest's, each time the boots that wait change (see {@link #waiting()}): it
 * must not do I/O itself.
 */
public final class BootTurns {
    private final int limit;
    private final Executor starter;
    private final Runnable onWaiting;
    // Guarded by this.
    private int going;
    private final Deque<Waiting> waiting = new ArrayDeque<>();

    private record Waiting(String guest, Runnable start) {
    }

    public BootTurns(int limit, Executor starter, Runnable onWaiting) {
        if (limit < 1) {
            throw new IllegalArgumentException("at least one boot at a time, not " + limit);
        }
        this.limit = limit;
        this.starter = starter;
        this.onWaiting = onWaiting;
    }

    /**
     * Takes a turn for a boot of {@code guest}: 0 when one is free (the caller starts the boot itself and ends the
     * turn later), else how many boots wait, this one included; {@code start} then runs on the starter when the turn
     * comes.
     */
    public int take(String guest, Runnable start) {
        int place;
        synchronized (this) {
            if (going < limit) {
                going++;
                return 0;
            }
            waiting.addLast(new Waiting(guest, start));
            place = waiting.size();
        }
        onWaiting.run();
        return place;
    }

    /**
     * A guest that is in its kernel's start already (a gateway took it over from the keeper) holds a turn like a boot
     * that took one, even past the limit, and ends it the same way.
     */
    public synchronized void hold() {
        going++;
    }

    /** A boot that waits for its turn gives it up; false if its turn has come already (its start is under way). */
    public boolean withdraw(Runnable start) {
        synchronized (this) {
            if (!waiting.removeIf(w -> w.start() == start)) {
                return false;
            }
        }
        onWaiting.run();
        return true;
    }

    /** A boot ends its turn: the next waiting one has it, unless held turns keep the boots going over the limit. */
    public void end() {
        Waiting next = null;
        synchronized (this) {
            if (going <= limit && !waiting.isEmpty()) {
                next = waiting.pollFirst();
            } else {
                going--;
            }
        }
        if (next != null) {
            onWaiting.run();
            starter.execute(next.start());
        }
    }

    /** The guests whose boots wait, first first. */
    public synchronized List<String> waiting() {
        return waiting.stream().map(Waiting::guest).toList();
    }
}
