package org.yucon.control;

/**
 * What a login can do with a guest, whichever front asks (a menu key, an exec verb, a web button), with what it
 * takes: to see the guest or to drive it, and maybe to be an admin. {@link Access#may} decides; the word is the
 * action's name in the audit log.
 */
public enum GuestAction {
    BOOT("boot", true, false),
    SHUTDOWN("shutdown", true, false),
    REBOOT("reboot", true, false),
    SYSRQ("sysrq", true, false),
    HOTPLUG("hotplug", true, true),
    /** ps and top. */
    PROCESSES("ps", false, false),
    LOG("log", false, false),
    SETTINGS("settings", false, true),
    WATCH_CONSOLE("console", false, false),
    WRITE_CONSOLE("console", true, false),
    /** List and fetch the guest's console recordings: what people did and saw there, so for those who drive it. */
    RECORDINGS("recording", true, false);

    private final String word;
    private final boolean drives;
    private final boolean adminOnly;

    GuestAction(String word, boolean drives, boolean adminOnly) {
        this.word = word;
        this.drives = drives;
        this.adminOnly = adminOnly;
    }

    public String word() {
        return word;
    }

    /** Whether it takes driving the guest; watching it is enough otherwise. */
    public boolean drives() {
        return drives;
    }

    public boolean adminOnly() {
        return adminOnly;
    }
}
