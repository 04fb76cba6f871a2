package org.yucon.ssh;

import java.util.List;
import java.util.StringJoiner;
import org.yucon.control.GuestRow;
import org.yucon.util.Printable;

/** {@code status --json}: one array of objects, for machines. */
final class StatusJson {
    private StatusJson() {
    }

    static String of(List<GuestRow> rows) {
        StringJoiner array = new StringJoiner(",", "[", "]");
        for (GuestRow row : rows) {
            array.add("{\"guest\":" + string(row.guest())
                    + ",\"state\":" + string(row.stateWord())
                    + ",\"detail\":" + string(row.detail())
                    + ",\"since\":" + string(row.since().toString())
                    + ",\"pid\":" + row.pid()
                    + ",\"viewers\":" + row.viewers() + "}");
        }
        return array.toString();
    }

    /** A JSON string: quotes, backslashes and every character that is not {@link Printable} escaped. */
    static String string(String text) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (!Printable.isSafe(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
