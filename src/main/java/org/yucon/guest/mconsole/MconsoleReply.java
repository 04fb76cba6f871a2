package org.yucon.guest.mconsole;

/**
 * One reply of a guest's management console.
 *
 * @param ok   false when the guest refused the command (e.g. "Unknown command")
 * @param text the concatenated text of all packets of the reply; {@code proc} replies start with "\n"
 */
public record MconsoleReply(boolean ok, String text) {
}
