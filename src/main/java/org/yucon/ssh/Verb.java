package org.yucon.ssh;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The commands a client may run with {@code ssh host VERB ...}: nothing else is ever executed. Each one declares
 * its usage, flags, options that take a value, and operands that come before the optional guest, like tmux's
 * command table, so parsing and help come from one place.
 */
enum Verb {
    HELP("help", "", Set.of(), Set.of(), List.of(), false),
    STATUS("status", "[--json] [GUEST]", Set.of("--json"), Set.of(), List.of(), true),
    BOOT("boot", "[GUEST]", Set.of(), Set.of(), List.of(), true),
    SHUTDOWN("shutdown", "[--halt] [GUEST]", Set.of("--halt"), Set.of(), List.of(), true),
    REBOOT("reboot", "[--hard] [GUEST]", Set.of("--hard"), Set.of(), List.of(), true),
    CONSOLE("console", "[GUEST]", Set.of(), Set.of(), List.of(), true),
    PS("ps", "[GUEST]", Set.of(), Set.of(), List.of(), true),
    TOP("top", "[GUEST]", Set.of(), Set.of(), List.of(), true),
    LOG("log", "[-n LINES] [GUEST]", Set.of(), Set.of("-n"), List.of(), true),
    SYSRQ("sysrq", "LETTER [GUEST]", Set.of(), Set.of(), List.of("LETTER"), true),
    RECORDINGS("recordings", "[GUEST]", Set.of(), Set.of(), List.of(), true),
    RECORDING("recording", "ID", Set.of(), Set.of(), List.of("ID"), false),
    PLAY("play", "ID", Set.of(), Set.of(), List.of("ID"), false);

    private final String word;
    private final String usage;
    private final Set<String> flags;
    private final Set<String> valueOptions;
    private final List<String> operands;
    private final boolean takesGuest;

    Verb(String word, String usage, Set<String> flags, Set<String> valueOptions, List<String> operands, boolean takesGuest) {
        this.word = word;
        this.usage = usage;
        this.flags = flags;
        this.valueOptions = valueOptions;
        this.operands = operands;
        this.takesGuest = takesGuest;
    }

    String word() {
        return word;
    }

    String usage() {
        return (word + " " + usage).trim();
    }

    Set<String> flags() {
        return flags;
    }

    /** Options followed by a value, such as {@code -n 50}. */
    Set<String> valueOptions() {
        return valueOptions;
    }

    /** Required words before the guest, such as the SysRq letter. */
    List<String> operands() {
        return operands;
    }

    /** True when the verb may name a guest (it must, unless the login sees only one). */
    boolean takesGuest() {
        return takesGuest;
    }

    static Optional<Verb> named(String word) {
        return Arrays.stream(values()).filter(v -> v.word.equals(word)).findFirst();
    }
}
