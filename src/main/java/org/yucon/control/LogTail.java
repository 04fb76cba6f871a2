package org.yucon.control;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/** The last lines of a console log, read from its end so that a large log costs no more than its tail. */
public final class LogTail {
    private static final int MAX_BYTES = 4 << 20;

    private LogTail() {
    }

    /** Up to {@code lines} last lines (at most the last 4 MiB); nothing when there is no log yet. */
    public static byte[] lastLines(Path log, int lines) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(length, MAX_BYTES);
            byte[] tail = new byte[size];
            file.seek(length - size);
            file.readFully(tail);
            return Arrays.copyOfRange(tail, startOfLastLines(tail, lines), tail.length);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return new byte[0];
        }
    }

    /** Where the last {@code lines} lines begin; a last line without its newline counts as a line. */
    public static int startOfLastLines(byte[] text, int lines) {
        int end = text.length;
        if (end > 0 && text[end - 1] == '\n') {
            end--;
        }
        int seen = 0;
        for (int i = end - 1; i >= 0; i--) {
            if (text[i] == '\n' && ++seen == lines) {
                return i + 1;
            }
        }
        return 0;
    }
}
