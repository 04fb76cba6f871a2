package org.yucon.ssh;

/** Makes text from a client safe to put on somebody's terminal: control characters become '?'. */
final class Printable {
    private Printable() {
    }

    static String of(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), 80));
        text.codePoints().limit(80).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }
}
