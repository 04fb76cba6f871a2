package org.yucon.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.guest.Alerts;
import org.yucon.util.PrivateFiles;
import org.yucon.util.Printable;

/**
 * The gateway's trail, apart from console logs: one line per connection, authentication, login, logout and
 * action, saying who, from where, what, on which guest, with what result, and over which channel (ssh, web). Callers (MINA's I/O threads among
 * them) only queue a line; one writer thread appends them. The queue is bounded: if the disk stalls, lines are
 * counted as lost rather than holding anybody up. Lines the file refuses (a full disk) are counted too, and admins
 * are told ({@link Alerts}) until a write succeeds again, which first says how many were lost.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final String STOP = "";

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(10_000);
    /** Lines not written: the queue was full, or the file refused them; written out (and zeroed) by the writer. */
    private final AtomicLong lost = new AtomicLong();
    private final Path path;
    private final OutputStream file;
    private final Alerts alerts;
    private final Thread writer;

    public AuditLog(Path path, Alerts alerts) throws IOException {
        PrivateFiles.directories(path.toAbsolutePath().getParent());
        this.path = path;
        this.file = PrivateFiles.append(path);
        this.alerts = alerts;
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

    /** The writer thread: what is queued goes out in one write (one line, or all that waited). */
    private void write() {
        try (OutputStream out = file) {
            boolean stop = false;
            while (!stop) {
                StringBuilder batch = new StringBuilder();
                int count = 0;
                for (String line = lines.take(); line != null; line = lines.poll()) {
                    if (line.equals(STOP)) {
                        stop = true;
                        break;
                    }
                    batch.append(line).append('\n');
                    count++;
                }
                if (count > 0) {
                    append(out, batch, count);
                }
            }
        } catch (IOException e) {
            log.warn("closing the audit log {}: {}", path, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void append(OutputStream out, StringBuilder batch, int count) {
        long dropped = lost.getAndSet(0);
        if (dropped > 0) {
            batch.append(Instant.now()).append(" audit lines lost=").append(dropped).append('\n');
        }
        try {
            out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
            alerts.clear(Alerts.Topic.AUDIT_LOG);
        } catch (IOException e) {
            lost.addAndGet(dropped + count);
            alerts.raise(Alerts.Topic.AUDIT_LOG, "the audit log " + path + " cannot be written (" + e.getMessage()
                    + "); its lines are counted as lost until it can");
        }
    }
}
