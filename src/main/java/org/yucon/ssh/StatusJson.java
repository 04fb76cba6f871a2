package org.yucon.ssh;

import java.util.List;
import java.util.StringJoiner;
import org.yucon.guest.GuestStatus;
import org.yucon.guest.GuestSupervisor;
import org.yucon.util.Printable;

/** {@code status --json}: one array of objects, for machines. */
final class StatusJson {
    private StatusJson() {
    }

    static String of(List<GuestSupervisor> guests) {
        StringJoiner array = new StringJoiner(",", "[", "]");
        for (GuestSupervisor g : guests) {
            GuestStatus s = g.status();
            array.add("{\"guest\":" + string(g.name())
                    + ",\"state\":" + string(s.state().name().toLowerCase())
                    + ",\"detail\":" + string(s.detail())
                    + ",\"since\":" + string(s.since().toString())
                    + ",\"pid\":" + s.pid()
                    + ",\"viewers\":" + g.console().viewerCount() + "}");
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
