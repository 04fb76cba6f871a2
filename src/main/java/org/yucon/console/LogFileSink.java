package org.yucon.console;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.yucon.config.LogSettings;
import org.yucon.util.PrivateFiles;

/**
 * A guest's console log: the raw bytes, appended; rotated by size (NAME.log.1 is the newest rotated one), with
 * optional "-- MARK --" time lines after quiet spells, conserver-style. A gap in what reached the log is written
 * as a clearly marked line. Written by the log's pump thread only.
 */
public final class LogFileSink implements ConsoleSink, AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Path path;
    private final LogSettings settings;
    private OutputStream file;
    private long size;
    /** When output was last written (System.nanoTime), for marks. */
    private long lastOutput;

    public LogFileSink(Path path, LogSettings settings) throws IOException {
        this.path = path;
        this.settings = settings;
        open();
    }

    @Override
    public void output(byte[] bytes, int length) throws IOException {
        long now = System.nanoTime();
        if (!settings.mark().isZero() && (lastOutput == 0 || now - lastOutput >= settings.mark().toNanos())) {
            write(("\r\n[-- MARK -- " + LocalDateTime.now().format(TIME) + " --]\r\n").getBytes(StandardCharsets.UTF_8));
        }
        lastOutput = now;
        write(bytes, length);
    }

    @Override
    public void missed(long bytes) throws IOException {
        write(("\r\n[yucon] " + bytes + " bytes of console output missing here: the log fell behind\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    private void write(byte[] bytes) throws IOException {
        write(bytes, bytes.length);
    }

    private void write(byte[] bytes, int length) throws IOException {
        if (size > 0 && size + length > settings.rotateBytes()) {
            rotate();
        }
        file.write(bytes, 0, length);
        size += length;
    }

    /** NAME.log becomes NAME.log.1, and so on; the oldest beyond {@code keep} is dropped. */
    private void rotate() throws IOException {
        file.close();
        Files.deleteIfExists(numbered(settings.keep()));
        for (int n = settings.keep() - 1; n >= 1; n--) {
            if (Files.exists(numbered(n))) {
                Files.move(numbered(n), numbered(n + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (settings.keep() > 0) {
            Files.move(path, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(path);
        }
        open();
    }

    private Path numbered(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    private void open() throws IOException {
        file = PrivateFiles.append(path);
        size = Files.size(path);
    }
}
