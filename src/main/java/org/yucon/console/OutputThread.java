package org.yucon.console;

/**
 * A thread that writes a guest's console output to viewers (a keeper link's reader, a viewer's pump). The SSH
 * transport lets such a thread finish the writes it started itself when they complete at once, instead of waking
 * a thread of its pool for each ({@link #completeHere}).
 */
public final class OutputThread extends Thread {
    /** Whether this thread is inside {@link #completeHere}; read and written by this thread only. */
    private boolean completing;

    public OutputThread(Runnable task, String name) {
        super(task, name);
        setDaemon(true);
    }

    /**
     * Runs {@code completion} on this thread unless it is finishing one already, and says whether it did: so one
     * write's completion may start the next write, whose completion then goes to the pool, and no deeper.
     * Called on this thread only.
     */
    public boolean completeHere(Runnable completion) {
        if (completing) {
            return false;
        }
        completing = true;
        try {
            completion.run();
        } finally {
            completing = false;
        }
        return true;
    }
}
