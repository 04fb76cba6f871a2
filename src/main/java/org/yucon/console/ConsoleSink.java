package org.yucon.console;

import java.io.IOException;

/**
 * Where one consumer's share of a console goes: an SSH channel, the log file, a link to the gateway.
 * Called on that consumer's pump thread; it may block, which delays that consumer and nobody else. A sink that
 * can say when a write cannot block ({@link #room}) also takes small amounts on the thread that received them.
 */
public interface ConsoleSink {
    void output(byte[] bytes, int length) throws IOException;

    /** The consumer fell behind by more than the ring holds: {@code bytes} of output were skipped. */
    void missed(long bytes) throws IOException;

    /** How many bytes {@link #output} would take now without blocking; 0 when it cannot tell. */
    default long room() {
        return 0;
    }
}
