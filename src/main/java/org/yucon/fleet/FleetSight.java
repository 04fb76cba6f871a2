package org.yucon.fleet;

import java.util.List;

/**
 * What an admin's menu shows of the other hosts: each peer as last seen, and every guest name two hosts claim.
 *
 * @param peers      each peer, by name
 * @param duplicates one sentence per guest name claimed twice (a configuration error)
 */
public record FleetSight(List<PeerView> peers, List<String> duplicates) {
    /** Outside a fleet, or for a session a peer relayed here: this host alone. */
    public static final FleetSight NONE = new FleetSight(List.of(), List.of());

    public FleetSight {
        peers = List.copyOf(peers);
        duplicates = List.copyOf(duplicates);
    }
}
