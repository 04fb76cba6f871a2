package org.yucon.util;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON text written by hand, as the project has no JSON library: strings escaped for writing, and the string or
 * number values of flat objects that yucon wrote itself read back.
 */
public final class JsonText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final Pattern ESCAPE = Pattern.compile("\\\\(u[0-9a-fA-F]{4}|[\"\\\\/bfnrt])");

    private JsonText() {
    }

    /** A JSON string: quotes, backslashes and every character that is not {@link Printable} escaped. */
    public static String string(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (!Printable.isSafe(c)) {
                b.append("\\u");
                for (int shift = 12; shift >= 0; shift -= 4) {
                    b.append(HEX[c >> shift & 0xf]);
                }
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** The string value of {@code key} in {@code json}, as {@link #string} wrote it; empty when there is none. */
    public static Optional<String> stringValue(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? Optional.of(unescape(m.group(1))) : Optional.empty();
    }

    /** The number value of {@code key} in {@code json}; empty when there is none. */
    public static Optional<Double> numberValue(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(-?[0-9]+(?:\\.[0-9]+)?)").matcher(json);
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }

    /** The text of a JSON string's body (between its quotes), its escapes undone. */
    public static String unescape(String body) {
        Matcher m = ESCAPE.matcher(body);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            char c = switch (e.charAt(0)) {
                case 'u' -> (char) Integer.parseInt(e.substring(1), 16);
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                default -> e.charAt(0);
            };
            m.appendReplacement(b, Matcher.quoteReplacement(String.valueOf(c)));
        }
        m.appendTail(b);
        return b.toString();
    }
}
