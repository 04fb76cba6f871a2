package org.yucon.ssh;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.util.PrivateFiles;
import org.yucon.util.Printable;

/**
 * The gateway's trail, apart from console logs: one line per connection, authentication, login, logout and
 * action, saying who, from where, what, on which guest, with what result, and over which channel (ssh, web). Callers (MINA's I/O threads among
 * them) only queue a line; one writer thread appends them. The queue is bounded: if the disk stalls, lines are
 * counted as lost rather than holding anybody up.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final String STOP = "";

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(10_000);
    private final AtomicLong lost = new AtomicLong();
    private final Writer file;
    private final Thread writer;

    public AuditLog(Path path) throws IOException {
        PrivateFiles.directories(path.toAbsolutePath().getParent());
        this.file = new BufferedWriter(new OutputStreamWriter(PrivateFiles.append(path), StandardCharsets.UTF_8));
        this.writer = new Thread(this::write, "audit-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Where an event came in: each line ends with its channel. */
    public enum Channel {
        SSH, WEB;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One event over SSH. */
    public void record(String user, String from, String action, String guest, String result) {
        record(Channel.SSH, user, from, action, guest, result);
    }

    /** One event; text from clients goes through {@link Printable} so that the log stays one line per event. */
    public void record(Channel channel, String user, String from, String action, String guest, String result) {
        String line = Instant.now() + " user=" + word(user) + " from=" + word(from) + " action=" + word(action)
                + " guest=" + word(guest) + " result=" + word(result) + " channel=" + channel.word();
        if (!lines.offer(line)) {
            lost.incrementAndGet();
        }
    }

    @Override
    public void close() {
        lines.offer(STOP);
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String word(String text) {
        return text == null || text.isEmpty() ? "-" : Printable.of(text, 80).replace(' ', '_');
    }

    private void write() {
        try (Writer out = file) {
            for (String line = lines.take(); !line.equals(STOP); line = lines.take()) {
                out.write(line);
                out.write('\n');
                long dropped = lost.getAndSet(0);
                if (dropped > 0) {
                    out.write(Instant.now() + " audit lines lost=" + dropped + "\n");
                }
                if (lines.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            log.error("the audit log cannot be written: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
