package org.yucon.ssh;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The commands a client may run with {@code ssh host VERB ...}: nothing else is ever executed. Each one declares
 * its usage and flags, like tmux's command table, so parsing and help come from one place.
 */
enum Verb {
    HELP("help", "", Set.of(), false),
    STATUS("status", "[GUEST]", Set.of(), false),
    BOOT("boot", "[GUEST]", Set.of(), true),
    SHUTDOWN("shutdown", "[--halt] [GUEST]", Set.of("--halt"), true),
    CONSOLE("console", "[GUEST]", Set.of(), true);

    private final String word;
    private final String usage;
    private final Set<String> flags;
    private final boolean needsGuest;

    Verb(String word, String usage, Set<String> flags, boolean needsGuest) {
        this.word = word;
        this.usage = usage;
        this.flags = flags;
        this.needsGuest = needsGuest;
    }

    String usage() {
        return (word + " " + usage).trim();
    }

    Set<String> flags() {
        return flags;
    }

    /** True when the verb acts on one guest, which must be named unless the login sees only one. */
    boolean needsGuest() {
        return needsGuest;
    }

    static Optional<Verb> named(String word) {
        return Arrays.stream(values()).filter(v -> v.word.equals(word)).findFirst();
    }
}
