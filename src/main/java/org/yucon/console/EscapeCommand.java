package org.yucon.console;

/** What a viewer can ask for after the escape prefix. */
public enum EscapeCommand {
    /** Leave the console: back to the menu, or end the session when it was opened with the console verb. */
    DETACH,
    /** Show the escape keys. */
    HELP
}
