package org.yucon.console;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A guest's console log: the raw bytes, appended; a gap is written as a clearly marked line. */
public final class LogFileSink implements ConsoleSink {
    private final OutputStream file;

    public LogFileSink(Path path) throws IOException {
        this.file = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void output(byte[] bytes, int length) throws IOException {
        file.write(bytes, 0, length);
    }

    @Override
    public void missed(long bytes) throws IOException {
        file.write(("\r\n[yucon] " + bytes + " bytes of console output missing here: the log fell behind\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
