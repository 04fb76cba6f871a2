package org.yucon.util;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Makes text that a guest or a client chose safe to draw on somebody else's terminal: the one place that says
 * which characters may go there as they are. Every menu row, pager line, verb's answer and line of the gateway's
 * own passes through here, whatever part of it came from a guest (its hostname, its kernel's replies, task names)
 * or from a client (a command's words).
 *
 * <p>Not safe, and shown as '?': the C0 controls and DEL (a terminal acts on them), the C1 controls U+0080-U+009F
 * (CSI, OSC, DCS... in their 8-bit form, which terminals act on too), the line and paragraph separators, and the
 * bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), which reorder what follows them
 * on the line so that it reads other than it is.
 */
public final class Printable {
    private Printable() {
    }

    /** Whether {@code codePoint} may reach a terminal as it is. */
    public static boolean isSafe(int codePoint) {
        return !Character.isISOControl(codePoint) && !isBidiControl(codePoint)
                && codePoint != 0x2028 && codePoint != 0x2029;
    }

    /** {@code text} with every character that is not {@linkplain #isSafe safe} replaced by '?'. */
    public static String of(String text) {
        return of(text, Integer.MAX_VALUE);
    }

    /** As {@link #of(String)}, cut to at most {@code maxCodePoints} characters: one line of a log or message. */
    public static String of(String text, int maxCodePoints) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), maxCodePoints));
        text.codePoints().limit(maxCodePoints).forEach(c -> b.appendCodePoint(isSafe(c) ? c : '?'));
        return b.toString();
    }

    /** Text of several lines (a kernel's reply): each line made printable, the line breaks kept as "\n". */
    public static String lines(String text) {
        return Arrays.stream(text.split("\r?\n", -1)).map(Printable::of).collect(Collectors.joining("\n"));
    }

    private static boolean isBidiControl(int c) {
        return c == 0x061c || c == 0x200e || c == 0x200f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
    }
}
