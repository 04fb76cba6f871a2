package org.yucon.web;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.yucon.util.Printable;

/**
 * One page of a console log as the web shows it: the whole lines within {@value #PAGE_BYTES} bytes that end at a
 * given offset (the log's end for the tail), as plain text: terminal sequences left out and every other control
 * character shown as {@code ?}, so that a guest's output is never markup, nor a terminal's command.
 *
 * @param start offset of the page's first byte: the next older page ends there (0: this is the first)
 * @param end   offset after its last byte
 * @param size  the log's size when read
 */
record LogPage(long start, long end, long size, String text) {
    static final int PAGE_BYTES = 64 << 10;
    /** CSI, OSC and other escape sequences, as a terminal would take them rather than show them. */
    private static final Pattern ESCAPES =
            Pattern.compile("\u001b\\[[0-?]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)?|\u001b[@-Z\\\\-_]|\r(?=\n)");

    /** The page that ends at {@code before} (clamped to the log's size; negative: its end). */
    static LogPage read(Path log, long before) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long size = file.length();
            long end = before < 0 || before > size ? size : before;
            long start = Math.max(0, end - PAGE_BYTES);
            byte[] bytes = new byte[(int) (end - start)];
            file.seek(start);
            file.readFully(bytes);
            int skip = 0;
            if (start > 0) {
                while (skip < bytes.length && bytes[skip] != '\n') {
                    skip++;
                }
                // A line longer than a page is shown cut rather than skipped whole.
                skip = skip == bytes.length ? 0 : skip + 1;
            }
            String raw = new String(bytes, skip, bytes.length - skip, StandardCharsets.UTF_8);
            return new LogPage(start + skip, end, size, Printable.lines(ESCAPES.matcher(raw).replaceAll("")));
        } catch (FileNotFoundException e) {
            return new LogPage(0, 0, 0, "");
        }
    }

    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("start", start);
        json.put("end", end);
        json.put("size", size);
        json.put("text", text);
        return json;
    }
}
