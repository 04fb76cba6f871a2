package org.yucon.recording;

/**
 * What one viewer of a console was shown, typed and how its window changed, as it happens. Every call returns at
 * once, whatever the disk does: a recording that cannot keep up stops, the console does not wait for it. Called on
 * the viewer's threads (its pump, its session's steps); {@link #OFF} when nothing is recorded.
 */
public interface Recording {
    /** Records nothing: recordings are off, or this one could not start. */
    Recording OFF = new Recording() {
        @Override
        public void shown(byte[] bytes, int length) {
        }

        @Override
        public void typed(byte[] bytes, int offset, int length) {
        }

        @Override
        public void window(int columns, int rows) {
        }

        @Override
        public void end() {
        }
    };

    /** Bytes the viewer was shown: the guest's output and the gateway's lines, in the order they went out. */
    void shown(byte[] bytes, int length);

    /** Keys the viewer sent to the guest; kept only where {@code [recording] input = true}. */
    void typed(byte[] bytes, int offset, int length);

    /** The viewer's window size: the first is the recording's size, each change after it an event. */
    void window(int columns, int rows);

    /** The viewer left the console; what is queued is written, then the file is closed. */
    void end();
}
