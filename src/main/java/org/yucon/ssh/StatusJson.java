package org.yucon.ssh;

import java.util.List;
import java.util.StringJoiner;
import org.yucon.control.GuestRow;
import org.yucon.util.JsonText;

/** {@code status --json}: one array of objects, for machines. */
final class StatusJson {
    private StatusJson() {
    }

    static String of(String host, List<GuestRow> rows) {
        StringJoiner array = new StringJoiner(",", "[", "]");
        for (GuestRow row : rows) {
            array.add("{\"host\":" + JsonText.string(host)
                    + ",\"guest\":" + JsonText.string(row.guest())
                    + ",\"state\":" + JsonText.string(row.stateWord())
                    + ",\"detail\":" + JsonText.string(row.detail())
                    + ",\"since\":" + JsonText.string(row.since().toString())
                    + ",\"pid\":" + row.pid()
                    + ",\"viewers\":" + row.viewers() + "}");
        }
        return array.toString();
    }
}
