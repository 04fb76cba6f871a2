package org.yucon.console;

import java.io.IOException;

/**
 * Where one consumer's share of a console goes: an SSH channel, the log file, a link to the gateway.
 * Called on that consumer's pump thread; it may block, which delays that consumer and nobody else. A sink that
 * can tell when a write cannot block ({@link #offer}) also takes small amounts on the thread that received them.
 */
public interface ConsoleSink {
    void output(byte[] bytes, int length) throws IOException;

    /** The consumer fell behind by more than the ring holds: {@code bytes} of output were skipped. */
    void missed(long bytes) throws IOException;

    /**
     * Writes the bytes now if that cannot block, and says so; false (nothing written) when it could, or when the
     * sink cannot tell. Called on another consumer's thread, which must never wait for this one.
     */
    default boolean offer(byte[] bytes, int length) throws IOException {
        return false;
    }
}
