package org.yucon.tui;

import java.io.InputStream;
import java.util.Arrays;

/**
 * The bytes a client typed while the menu has the screen, handed to Lanterna one byte per read so that it never
 * reads ahead: whatever is left when the user switches to the console goes to the console, not lost in a decoder.
 * Never blocks. Used by the session's steps only, one at a time.
 */
public final class KeyFeed extends InputStream {
    private byte[] pending = new byte[0];
    private int next;

    public void add(byte[] bytes, int offset, int length) {
        byte[] joined = Arrays.copyOf(Arrays.copyOfRange(pending, next, pending.length), pending.length - next + length);
        System.arraycopy(bytes, offset, joined, pending.length - next, length);
        pending = joined;
        next = 0;
    }

    /** Takes out what the menu has not read. */
    public byte[] drain() {
        byte[] rest = Arrays.copyOfRange(pending, next, pending.length);
        pending = new byte[0];
        next = 0;
        return rest;
    }

    @Override
    public int available() {
        return pending.length - next;
    }

    /** -1 when empty: Lanterna only reads after {@link #available()} said there is something. */
    @Override
    public int read() {
        return next < pending.length ? pending[next++] & 0xff : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        int b = read();
        if (b < 0) {
            return -1;
        }
        into[offset] = (byte) b;
        return 1;
    }
}
