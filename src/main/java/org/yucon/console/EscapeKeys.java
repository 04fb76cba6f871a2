package org.yucon.console;

import java.util.Map;

/**
 * Splits a viewer's keystrokes into bytes for the guest and escape commands, screen-style: the prefix key
 * switches to a second key table for exactly one key. A prefix at the end of one read is remembered, so an
 * escape split across reads works. The prefix byte itself never reaches the guest unless asked for twice
 * (or prefix then {@code a}).
 *
 * <p>Owned by the one thread that reads the viewer's input; not thread-safe.
 */
public final class EscapeKeys {
    /** Receives the result of {@link #feed}. */
    public interface Handler {
        void forward(byte[] bytes, int offset, int length);

        /** Runs a command; false stops {@link #feed} right after it (the rest belongs to whoever comes next). */
        boolean command(EscapeCommand command);

        /** The key after the prefix is bound to nothing; it was dropped. */
        void unbound(byte key);
    }

    private static final Map<Byte, EscapeCommand> TABLE = Map.of(
            (byte) 'd', EscapeCommand.DETACH,
            (byte) 0x04, EscapeCommand.DETACH,
            (byte) '?', EscapeCommand.HELP);

    private final byte prefix;
    private final byte[] literal;
    private boolean afterPrefix;

    public EscapeKeys(byte prefix) {
        this.prefix = prefix;
        this.literal = new byte[] {prefix};
    }

    public byte prefix() {
        return prefix;
    }

    /**
     * Splits {@code length} bytes; returns how many were consumed, which is less than {@code length} only when
     * a command asked to stop.
     */
    public int feed(byte[] bytes, int offset, int length, Handler handler) {
        int runStart = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (afterPrefix) {
                afterPrefix = false;
                runStart = i + 1;
                if (!second(b, handler)) {
                    return i + 1 - offset;
                }
            } else if (b == prefix) {
                flush(bytes, runStart, i, handler);
                afterPrefix = true;
                runStart = i + 1;
            }
        }
        flush(bytes, runStart, end, handler);
        return length;
    }

    private boolean second(byte key, Handler handler) {
        if (key == prefix || key == 'a') {
            handler.forward(literal, 0, 1);
            return true;
        }
        EscapeCommand command = TABLE.get(key);
        if (command == null) {
            handler.unbound(key);
            return true;
        }
        return handler.command(command);
    }

    private static void flush(byte[] bytes, int from, int to, Handler handler) {
        if (to > from) {
            handler.forward(bytes, from, to - from);
        }
    }

    /** The help line shown for {@link EscapeCommand#HELP} and after an unbound key. */
    public String help() {
        String p = "^" + (char) (prefix ^ 0x40);
        return p + " d or " + p + " ^D detach, " + p + " a or " + p + " " + p + " sends " + p + ", " + p + " ? help";
    }
}
