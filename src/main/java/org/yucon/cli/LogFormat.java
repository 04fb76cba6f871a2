package org.yucon.cli;

import java.util.Map;
import java.util.Properties;

/**
 * How slf4j-simple writes yucon's log: one line per event on stderr with its level and thread, and the time in front
 * unless journald takes the lines (it stamps them itself; systemd sets {@code JOURNAL_STREAM} for a service whose
 * output it reads). A property already given on the command line wins, so {@code -D} still overrides each of them.
 * Set before the first logger is made, which reads them once.
 */
final class LogFormat {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private LogFormat() {
    }

    static void apply(Map<String, String> env, Properties system) {
        boolean journal = !env.getOrDefault("JOURNAL_STREAM", "").isEmpty();
        setDefault(system, "showDateTime", Boolean.toString(!journal));
        setDefault(system, "dateTimeFormat", "yyyy-MM-dd HH:mm:ss");
        setDefault(system, "showThreadName", "true");
        // MINA logs each connection's life at info: that is the audit log's business, not the service log's.
        setDefault(system, "log.org.apache.sshd", "warn");
    }

    private static void setDefault(Properties system, String key, String value) {
        system.putIfAbsent(PREFIX + key, value);
    }
}
