package org.yucon.console;

/**
 * What a viewer can ask for after the escape prefix: the second key table (tmux's "prefix" table), one
 * constant per binding, each with its key and the words {@code ? help} shows for it.
 */
public enum EscapeCommand {
    /** Leave the console: back to the menu, or end the session when it was opened with the console verb. */
    DETACH('d', "detach"),
    HELP('?', "these keys"),
    /** List who is attached, since when, and who writes. */
    WHO('w', "who is here"),
    /**
     * The writer sends a literal prefix (screen's {@code C-a a}); a read-only viewer asks for write (conserver's
     * {@code ^Ec a}). The parser cannot know the role, so the session decides.
     */
    ASK_WRITE('a', "ask for write (the writer: send the prefix)"),
    /** Take write now; the old writer becomes read-only and is told by whom. */
    FORCE_WRITE('f', "force write"),
    /** Stop writing (or stop asking); the next viewer asking, if any, writes. */
    GIVE_UP_WRITE('s', "give up write"),
    /** Show this viewer the last lines of the console again. */
    REPLAY('r', "replay the last lines"),
    /** Page through the guest's console log file; the live console catches up afterwards. */
    LOG('l', "page through the log"),
    /** The next key is a magic SysRq key, sent to the guest's kernel through mconsole ({@code b s}: sync). */
    SYSRQ('b', "then a key: SysRq"),
    /** Show the guest menu without detaching; leaving the menu comes back here. */
    MENU('m', "menu");

    /** Ctrl-D detaches too, so that holding Ctrl after the prefix does what screen users expect. */
    static final byte DETACH_CONTROL = 0x04;

    private final byte key;
    private final String help;

    EscapeCommand(char key, String help) {
        this.key = (byte) key;
        this.help = help;
    }

    public byte key() {
        return key;
    }

    public String help() {
        return help;
    }

    /** The command bound to {@code key}, or null when the key is bound to nothing. */
    static EscapeCommand of(byte key) {
        if (key == DETACH_CONTROL) {
            return DETACH;
        }
        for (EscapeCommand command : values()) {
            if (command.key == key) {
                return command;
            }
        }
        return null;
    }
}
