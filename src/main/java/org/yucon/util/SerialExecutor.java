package org.yucon.util;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs its tasks one at a time, in the order given, on a shared pool: the tasks of one owner (an SSH session)
 * behave as if they had a thread of their own, but the owner holds a pool thread only while it has work. What a
 * task leaves in the owner's fields is seen by the next task, whichever pool thread runs it (the flag below is
 * set by one and read by the next).
 *
 * <p>{@link #execute} never blocks: it queues the task and, if no task of this executor is running or waiting,
 * hands one drain to the pool. A task may block (a slow client); then it holds its pool thread, never another
 * owner's tasks. {@link #runHereIfIdle} is for short work handed to many owners at once, which would otherwise
 * start a pool thread for nearly each of them.
 */
public final class SerialExecutor implements Executor {
    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Whether a drain is handed to the pool or running: at most one is. */
    private final AtomicBoolean draining = new AtomicBoolean();

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        drainLater();
    }

    /**
     * Runs {@code task} on the calling thread, in this executor's order, if none of its tasks is running or
     * waiting, and returns true; otherwise returns false and leaves the task to the caller. Tasks queued meanwhile
     * run after it, on the pool. The task must be short and must not block: the caller is not this owner's.
     */
    public boolean runHereIfIdle(Runnable task) {
        if (!draining.compareAndSet(false, true)) {
            return false;
        }
        try {
            task.run();
        } finally {
            draining.set(false);
            if (!tasks.isEmpty()) {
                drainLater();
            }
        }
        return true;
    }

    private void drainLater() {
        if (draining.compareAndSet(false, true)) {
            pool.execute(this::drain);
        }
    }

    /** Runs the tasks queued so far; one that was queued after the last look starts another drain. */
    private void drain() {
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        } finally {
            draining.set(false);
            if (!tasks.isEmpty()) {
                drainLater();
            }
        }
    }
}
