package org.yucon.console;

/**
 * A viewer's part changed because of somebody else, who is named in {@code by} (account@address).
 *
 * @param kind what happened to the viewer told
 * @param by   the viewer whose action caused it
 */
public record RoleChange(Kind kind, String by) {
    public enum Kind {
        /** The viewer told writes now: {@code by} left or gave up write, and this viewer had asked first. */
        PROMOTED,
        /** The viewer told is read-only now: {@code by} forced write. */
        DEMOTED,
        /** {@code by} stopped writing and nobody had asked: anybody may take write. */
        VACANT
    }
}
