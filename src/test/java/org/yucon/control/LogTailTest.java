package org.yucon.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {
    @Test
    void lastLinesWithAndWithoutAFinalNewline() {
        assertEquals("c\n", tail("a\nb\nc\n", 1));
        assertEquals("b\nc", tail("a\nb\nc", 2));
        assertEquals("a\nb\nc\n", tail("a\nb\nc\n", 10));
        assertEquals("", tail("", 3));
    }

    @Test
    void aMissingLogIsEmpty(@TempDir Path dir) throws IOException {
        assertArrayEquals(new byte[0], LogTail.lastLines(dir.resolve("none.log"), 5));
    }

    @Test
    void readsTheFileFromItsEnd(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("uml1.log");
        Files.writeString(log, "line 1\r\nline 2\r\nline 3\r\n");
        assertEquals("line 2\r\nline 3\r\n", new String(LogTail.lastLines(log, 2), StandardCharsets.UTF_8));
    }

    private static String tail(String text, int lines) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return text.substring(LogTail.startOfLastLines(bytes, lines));
    }
}
