package org.yucon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Under journald (JOURNAL_STREAM set) lines carry no time of their own; elsewhere they do; -D still wins. */
class LogFormatTest {
    private static final String DATE = "org.slf4j.simpleLogger.showDateTime";

    @Test
    void journaldStampsTheLinesItself() {
        Properties system = new Properties();
        LogFormat.apply(Map.of("JOURNAL_STREAM", "8:12345"), system);
        assertEquals("false", system.getProperty(DATE));
        assertEquals("true", system.getProperty("org.slf4j.simpleLogger.showThreadName"));
        assertEquals("warn", system.getProperty("org.slf4j.simpleLogger.log.org.apache.sshd"));
    }

    @Test
    void aTerminalOrFileGetsTheTime() {
        Properties system = new Properties();
        LogFormat.apply(Map.of("JOURNAL_STREAM", ""), system);
        assertEquals("true", system.getProperty(DATE));
    }

    @Test
    void anExplicitPropertyWins() {
        Properties system = new Properties();
        system.setProperty(DATE, "true");
        LogFormat.apply(Map.of("JOURNAL_STREAM", "8:1"), system);
        assertEquals("true", system.getProperty(DATE));
    }
}
