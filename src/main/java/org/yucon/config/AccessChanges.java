package org.yucon.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the changes to who may do what: the accounts read again, a guest's {@code read_only} list changed. Whatever
 * decides on rights keeps the count its decision was made at and decides again once the count moved, so checking a
 * keystroke costs one volatile read. Whoever makes a change swaps in the new state first and counts it after, so that
 * a reader who sees the new count sees the new state. Listeners hear of each change on the thread that made it (the
 * scheduler's) and must only hand it over.
 */
public final class AccessChanges {
    private final AtomicLong count = new AtomicLong();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** The number of changes so far. */
    public long count() {
        return count.get();
    }

    /** Rights may have changed: counts it and tells the listeners. */
    public void changed() {
        count.incrementAndGet();
        listeners.forEach(Runnable::run);
    }

    public void listen(Runnable listener) {
        listeners.add(listener);
    }

    public void unlisten(Runnable listener) {
        listeners.remove(listener);
    }
}
