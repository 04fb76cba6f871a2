package org.yucon.tui;

/**
 * A guest another host of the fleet holds, as an admin's menu lists it: what that host's last answer said.
 *
 * @param host  the peer holding it
 * @param name  the guest's name
 * @param state its state word there ("running", "off")
 */
public record PeerGuest(String host, String name, String state) {
}
