package org.yucon.console;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a viewer's keystrokes into bytes for the guest and escape commands, screen-style: the prefix key
 * switches to the {@link EscapeCommand} table for exactly one key ({@code b} for one more, its SysRq key).
 * A prefix at the end of one read is remembered, so an escape split across reads works. The prefix byte itself
 * reaches the guest only when typed twice; what prefix-{@code a} means depends on the viewer, so it is reported
 * as {@link EscapeCommand#ASK_WRITE} and the session decides.
 *
 * <p>Owned by the one thread that reads the viewer's input; not thread-safe.
 */
public final class EscapeKeys {
    /** Receives the result of {@link #feed}; whatever it throws ends the feed and reaches the caller. */
    public interface Handler {
        void forward(byte[] bytes, int offset, int length) throws IOException;

        /**
         * Runs a command; false stops {@link #feed} right after it (the rest belongs to whoever comes next, e.g. the
         * menu). Never called with {@link EscapeCommand#SYSRQ}: that comes to {@link #sysrq} with its key.
         */
        boolean command(EscapeCommand command) throws IOException;

        /** The key typed after prefix {@code b}, not checked: the session says which keys SysRq takes. */
        void sysrq(byte key) throws IOException;

        /** The key after the prefix is bound to nothing; it was dropped. */
        void unbound(byte key) throws IOException;
    }

    /** Where the parser is: in plain text, right after the prefix, or after prefix {@code b}. */
    private enum State { TEXT, PREFIX, SYSRQ }

    /** Help lines stay within this many columns (after the gateway's "[yucon] "). */
    private static final int HELP_WIDTH = 70;

    private final byte prefix;
    private final byte[] literal;
    private State state = State.TEXT;

    public EscapeKeys(byte prefix) {
        this.prefix = prefix;
        this.literal = new byte[] {prefix};
    }

    public byte prefix() {
        return prefix;
    }

    /** Whether feeding {@code bytes} would only forward them: no escape under way and no prefix among them. */
    public boolean plain(byte[] bytes) {
        if (state != State.TEXT) {
            return false;
        }
        for (byte b : bytes) {
            if (b == prefix) {
                return false;
            }
        }
        return true;
    }

    /** The prefix as people write it: {@code ^A}. */
    public String prefixName() {
        return "^" + (char) (prefix ^ 0x40);
    }

    /**
     * Splits {@code length} bytes; returns how many were consumed, which is less than {@code length} only when
     * a command asked to stop.
     */
    public int feed(byte[] bytes, int offset, int length, Handler handler) throws IOException {
        int runStart = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (state == State.TEXT) {
                if (b != prefix) {
                    continue;
                }
                flush(bytes, runStart, i, handler);
                state = State.PREFIX;
            } else if (state == State.PREFIX) {
                state = State.TEXT;
                if (!afterPrefix(b, handler)) {
                    return i + 1 - offset;
                }
            } else {
                state = State.TEXT;
                handler.sysrq(b);
            }
            runStart = i + 1;
        }
        flush(bytes, runStart, end, handler);
        return length;
    }

    private boolean afterPrefix(byte key, Handler handler) throws IOException {
        if (key == prefix) {
            handler.forward(literal, 0, 1);
            return true;
        }
        EscapeCommand command = EscapeCommand.of(key);
        if (command == null) {
            handler.unbound(key);
            return true;
        }
        if (command == EscapeCommand.SYSRQ) {
            state = State.SYSRQ;
            return true;
        }
        return handler.command(command);
    }

    private static void flush(byte[] bytes, int from, int to, Handler handler) throws IOException {
        if (to > from) {
            handler.forward(bytes, from, to - from);
        }
    }

    /** What {@link EscapeCommand#HELP} shows: every binding, wrapped to fit a narrow terminal. */
    public List<String> help() {
        String p = prefixName();
        List<String> entries = new ArrayList<>();
        for (EscapeCommand command : EscapeCommand.values()) {
            entries.add(p + " " + (char) command.key() + " " + command.help());
        }
        entries.add(p + " " + p + " send " + p);
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String entry : entries) {
            if (line.length() > 0 && line.length() + 2 + entry.length() > HELP_WIDTH) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? ", " : "").append(entry);
        }
        lines.add(line.toString());
        return lines;
    }

    /** The one line shown on attach and after an unbound key. */
    public String hint() {
        return prefixName() + " ? lists the keys, " + prefixName() + " d detaches";
    }
}
