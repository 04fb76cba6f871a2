package org.yucon.ssh;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.sshd.server.Environment;

/**
 * What an SSH client said about its terminal: whether it has one, its size and whether it is UTF-8. Read from the
 * channel's environment at each question, as MINA keeps the size up to date at every window change.
 */
final class ClientEnvironment {
    private final Environment environment;

    ClientEnvironment(Environment environment) {
        this.environment = environment;
    }

    /** A pty was asked for with a TERM: the menu and the console need one. */
    boolean hasTerminal() {
        return environment.getEnv().containsKey(Environment.ENV_TERM) && !environment.getPtyModes().isEmpty();
    }

    /**
     * Whether the client's locale is UTF-8: the first of LC_ALL, LC_CTYPE and LANG that it sent decides. A client
     * that sends none gets UTF-8, as nearly every terminal today expects.
     */
    boolean utf8() {
        return utf8(environment.getEnv());
    }

    static boolean utf8(Map<String, String> env) {
        for (String name : List.of("LC_ALL", "LC_CTYPE", "LANG")) {
            String value = env.getOrDefault(name, "");
            if (!value.isEmpty()) {
                String upper = value.toUpperCase(Locale.ROOT);
                return upper.contains("UTF-8") || upper.contains("UTF8");
            }
        }
        return true;
    }

    /** The terminal type the client gave (TERM), for a pty the session opens elsewhere on its behalf. */
    String term() {
        return environment.getEnv().getOrDefault(Environment.ENV_TERM, "vt100");
    }

    int columns() {
        return dimension(environment.getEnv(), Environment.ENV_COLUMNS, 80);
    }

    int rows() {
        return dimension(environment.getEnv(), Environment.ENV_LINES, 24);
    }

    /** A size the client gave, if it is a sane one (10 to 1000); {@code fallback} otherwise. */
    static int dimension(Map<String, String> env, String key, int fallback) {
        try {
            int n = Integer.parseInt(env.getOrDefault(key, ""));
            return n >= 10 && n <= 1000 ? n : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
