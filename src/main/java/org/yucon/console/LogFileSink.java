package org.yucon.console;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.LogSettings;
import org.yucon.util.PrivateFiles;

/**
 * A guest's console log: the raw bytes, appended; rotated by size (NAME.log.1 is the newest rotated one), with
 * optional "-- MARK --" time lines after quiet spells, conserver-style. A gap in what reached the log is written
 * as a clearly marked line. Written by the log's pump thread only, whose fields these are.
 *
 * <p>A write that fails (a full disk) costs the log those bytes, not the console: they are counted, and the
 * first write that succeeds again is a line saying how many are missing and why. Viewers never wait for it.
 */
public final class LogFileSink implements ConsoleSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogFileSink.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Path path;
    private final LogSettings settings;
    private OutputStream file;
    private long size;
    /** When output was last written (System.nanoTime), for marks. */
    private long lastOutput;
    /** Bytes that could not be written since the last write that could, and why (null while writes succeed). */
    private long dropped;
    private String dropCause;

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

    /** Writes the bytes, or counts those the file did not take; fails only if the log cannot be reopened. */
    private void write(byte[] bytes, int length) throws IOException {
        if (dropCause != null && !append(dropNote())) {
            dropped += length;
            return;
        }
        dropped = 0;
        dropCause = null;
        if (!append(bytes, length)) {
            log.warn("the console log {} cannot be written ({}); what it misses is counted", path, dropCause);
        }
    }

    private String dropNote() {
        return "\r\n[yucon] " + dropped + " bytes not logged: " + dropCause + "\r\n";
    }

    private boolean append(String line) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return append(bytes, bytes.length);
    }

    /**
     * Appends, rotating first when due; false, with the bytes that did not land counted, when the file refuses
     * them. Part of a write may land before the disk is full: the file's size tells how much.
     */
    private boolean append(byte[] bytes, int length) throws IOException {
        try {
            if (size > 0 && size + length > settings.rotateBytes()) {
                rotate();
            }
            file.write(bytes, 0, length);
            size += length;
            return true;
        } catch (IOException e) {
            long before = size;
            reopen();
            long landed = Math.max(0, Math.min(length, size - before));
            dropped += length - landed;
            dropCause = cause(e);
            return false;
        }
    }

    /**
     * After a failed write: a rotation that failed half-way leaves the stream closed, so the log goes on in the file
     * now at its path, whose size is then the one known.
     */
    private void reopen() throws IOException {
        try {
            file.close();
        } catch (IOException e) {
            log.debug("closing {} after a failed write: {}", path, e.toString());
        }
        open();
    }

    private static String cause(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("No space left") || message.contains("quota") ? "disk full" : message;
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
