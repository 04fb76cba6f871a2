package org.yucon.ssh;

import java.io.IOException;

/**
 * What has a session's terminal and keyboard, as a mode has a tmux client's: the menu, a console, the log pager over
 * it, a verb on a peer ({@link Screens}), or a recording playing ({@link PlayerScreen}). Each handles its own keys,
 * drawing and teardown; the session hands each event to the one it shows. Called on the session's steps only, one
 * at a time (see {@link SessionLoop}).
 */
interface Screen {
    /** Shows nothing and takes no keys: a session whose verb answers and ends, or one not begun yet. */
    Screen NONE = new Screen() {
        @Override
        public void keys(byte[] bytes) {
            // Nothing reads them.
        }

        @Override
        public void resized() {
            // Nothing is drawn.
        }
    };

    /** Keys typed while this screen has the keyboard. */
    void keys(byte[] bytes) throws IOException;

    /**
     * Keys handled at once if that needs no waiting (the console's, straight to the guest), on MINA's I/O thread
     * while no other step runs; false leaves them to {@link #keys} in a step of their own.
     */
    default boolean offer(byte[] bytes) {
        return false;
    }

    /** The client's window changed: the session's size is the new one. */
    void resized() throws IOException;

    /** The login's rights changed (its account is still there): decide again what is shown, and say what changed. */
    default void rightsChanged() throws IOException {
        // Nothing shown depends on them.
    }

    /** The session is finishing on the user's or the gateway's word: give the terminal back as the user had it. */
    default void finishing() throws IOException {
        // The terminal is the user's own.
    }

    /** The session's end, whatever the reason: release timers, subscriptions and consoles; draws nothing. */
    default void close() {
        // Nothing held.
    }
}
