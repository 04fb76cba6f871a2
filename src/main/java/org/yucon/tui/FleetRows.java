package org.yucon.tui;

import java.util.ArrayList;
import java.util.List;
import org.yucon.fleet.FleetSight;
import org.yucon.fleet.PeerView;
import org.yucon.util.Printable;

/**
 * The other hosts of the fleet in an admin's menu, below this host's guests: each host a line with its load and
 * memory as its own menu header shows them (or why it is unreachable), then its guests, which the menu selects and
 * acts on like its own. Every text comes from a peer, so it is made printable here.
 */
final class FleetRows {
    private FleetRows() {
    }

    /** One row of the menu's list: a guest's, numbered as the menu's selection counts ({@code entry}), or -1 for a line about a host. */
    record Row(String text, int entry) {
        boolean guest() {
            return entry >= 0;
        }
    }

    /** The guests of the hosts that are up, in the order {@link #rows} lists them; a host that is down lists none. */
    static List<PeerGuest> guests(FleetSight sight) {
        List<PeerGuest> guests = new ArrayList<>();
        for (PeerView peer : sight.peers()) {
            if (peer.up()) {
                for (int i = 0; i < peer.guests().size(); i++) {
                    guests.add(new PeerGuest(peer.name(), peer.guests().get(i), peer.states().get(i)));
                }
            }
        }
        return guests;
    }

    /** Each host's line and its guests' rows, the first guest numbered {@code firstEntry}; then names claimed twice. */
    static List<Row> rows(FleetSight sight, int firstEntry) {
        List<Row> rows = new ArrayList<>();
        int entry = firstEntry;
        for (PeerView peer : sight.peers()) {
            rows.add(new Row(Printable.of("-- " + peer.name() + (peer.up() ? "  load: " + peer.load() + "  mem: " + peer.memory()
                    : "  unreachable (" + peer.reason() + ")")), -1));
            if (peer.up()) {
                for (int i = 0; i < peer.guests().size(); i++) {
                    rows.add(new Row(Printable.of(String.format(GuestMenu.COLUMNS, peer.guests().get(i), peer.states().get(i), "", "", "")), entry++));
                }
            }
        }
        sight.duplicates().forEach(d -> rows.add(new Row(Printable.of("!! " + d), -1)));
        return rows;
    }
}
