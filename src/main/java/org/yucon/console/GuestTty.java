package org.yucon.console;

import java.io.IOException;

/** The guest's end of its console, where the writer's keystrokes and window size go. */
public interface GuestTty {
    void write(byte[] bytes, int offset, int length) throws IOException;

    /**
     * Sends keystrokes now if that cannot block, and says so; false (nothing sent) when it could. For a thread that
     * must never wait, such as the SSH transport's with keys in hand.
     */
    boolean offer(byte[] bytes, int offset, int length) throws IOException;

    void resize(int columns, int rows) throws IOException;
}
