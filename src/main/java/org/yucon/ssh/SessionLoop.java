package org.yucon.ssh;

import java.io.IOException;

/**
 * A session as its screens see it: an event loop of steps, run one at a time on the gateway's session pool (see
 * {@link GatewaySession}), over its SSH channel. {@link #post} and {@link #runHereIfIdle} may be called on any
 * thread, the rest by the session's steps only.
 */
interface SessionLoop {
    /** One thing the session does on an event; a step that throws ends the session. */
    @FunctionalInterface
    interface Step {
        void run() throws IOException;
    }

    /** Queues a step; returns at once. */
    void post(Step step);

    /**
     * Runs {@code step} on the calling thread if no step runs or waits, and returns true; otherwise leaves it to the
     * caller. The step must be short and must not block: the caller's thread is not the session's.
     */
    boolean runHereIfIdle(Step step);

    /** The session is done once the running step returns; {@code why}, unless null, is said last on the terminal. */
    void finish(int status, String why);

    /** Whether a step has finished the session: what it has not handled yet goes nowhere. */
    boolean finished();

    /** The channel and the client's terminal, once the session has started. */
    SshChannel channel();
}
