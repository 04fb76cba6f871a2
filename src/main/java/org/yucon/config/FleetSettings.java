package org.yucon.config;

import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

/**
 * The fleet this gateway belongs to, from {@code [fleet]} and {@code [[peer]]} in {@code yucon.toml}.
 *
 * @param hostName this host's name in the fleet, as the status column and the peers' audit logs show it
 * @param peers    the other gateways of the fleet, each with its pinned host key; empty for a host on its own
 */
public record FleetSettings(String hostName, List<Peer> peers) {
    public FleetSettings {
        peers = List.copyOf(peers);
    }

    /**
     * One other gateway.
     *
     * @param name    its host name in the fleet (what its own {@code [fleet] name} says)
     * @param address where its SSH endpoint listens
     * @param port    its SSH port
     * @param hostKey its host key, pinned: a gateway presenting another is refused, and a login that offers this key
     *                as the peer login is that peer
     */
    public record Peer(String name, String address, int port, PublicKey hostKey) {
    }

    public boolean isFleet() {
        return !peers.isEmpty();
    }

    public Optional<Peer> peer(String name) {
        return peers.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
