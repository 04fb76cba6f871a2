package org.yucon.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogPageTest {
    @TempDir
    Path dir;

    @Test
    void terminalSequencesAreLeftOutAndOtherControlsShownAsQuestionMarks() throws Exception {
        Path log = dir.resolve("uml1.log");
        Files.write(log, "\u001b[1;32mok\u001b[0m <b>x</b>\r\n\u001b]0;title\u0007bell\u0007 \u009b31m\n"
                .getBytes(StandardCharsets.UTF_8));
        LogPage page = LogPage.read(log, -1);
        assertEquals("ok <b>x</b>\nbell? ?31m\n", page.text());
        assertEquals(0, page.start());
        assertEquals(Files.size(log), page.end());
    }

    @Test
    void olderPagesEndWhereTheNewerBeganOnWholeLines() throws Exception {
        Path log = dir.resolve("uml1.log");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("line ").append(i).append('\n');
        }
        Files.writeString(log, text);
        LogPage tail = LogPage.read(log, -1);
        assertTrue(tail.start() > 0 && tail.text().startsWith("line ") && tail.text().endsWith("line 19999\n"), tail.text());
        LogPage older = LogPage.read(log, tail.start());
        assertEquals(tail.start(), older.end());
        assertTrue(older.text().startsWith("line "), older.text().substring(0, 20));
        String joined = older.text() + tail.text();
        assertTrue(text.toString().endsWith(joined), "the pages join without a gap or overlap");
        assertEquals(0, LogPage.read(dir.resolve("none.log"), -1).size(), "no log yet: an empty page");
    }
}
