package org.yucon.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.config.LogSettings;

class LogFileSinkTest {
    @TempDir
    Path dir;

    @Test
    void rotatesBySizeAndKeepsTheConfiguredNumber() throws IOException {
        Path log = dir.resolve("uml1.log");
        try (LogFileSink sink = new LogFileSink(log, new LogSettings(true, 10, 2, Duration.ZERO))) {
            for (String chunk : new String[] {"aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd"}) {
                sink.output(chunk.getBytes(StandardCharsets.US_ASCII), chunk.length());
            }
        }
        assertEquals("dddddddd", Files.readString(log));
        assertEquals("cccccccc", Files.readString(dir.resolve("uml1.log.1")));
        assertEquals("bbbbbbbb", Files.readString(dir.resolve("uml1.log.2")));
        assertFalse(Files.exists(dir.resolve("uml1.log.3")), "only two rotated logs are kept");
    }

    @Test
    void marksComeBeforeOutputAfterAQuietSpell() throws Exception {
        Path log = dir.resolve("uml1.log");
        try (LogFileSink sink = new LogFileSink(log, new LogSettings(true, 1 << 20, 1, Duration.ofMillis(200)))) {
            sink.output("one".getBytes(StandardCharsets.US_ASCII), 3);
            sink.output("two".getBytes(StandardCharsets.US_ASCII), 3);
            Thread.sleep(300);
            sink.output("three".getBytes(StandardCharsets.US_ASCII), 5);
        }
        String text = Files.readString(log);
        assertEquals(2, text.split("-- MARK --", -1).length - 1, "a mark at the start and after the pause:\n" + text);
        assertTrue(text.matches("(?s)\\r\\n\\[-- MARK -- .*--]\\r\\nonetwo\\r\\n\\[-- MARK -- .*--]\\r\\nthree"), text);
    }
}
