package org.yucon.console;

/**
 * Where a console's attach, detach and write hand-over events go. Called on the thread of the viewer whose action
 * it is, never under the hub's monitor, so a slow disk delays that viewer only.
 */
@FunctionalInterface
public interface ConsoleEvents {
    /** For hubs whose events nobody keeps (tests). */
    ConsoleEvents NONE = (who, event) -> { };

    /** {@code who} (account@address) did or underwent {@code event}, e.g. "attach read-only". */
    void record(String who, String event);
}
