package org.yucon.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.client.session.ClientSession;

/**
 * A guest console over SSH as a program sees it, not as a screen: the {@code console} verb on a pty, with every
 * byte the gateway sends kept in order (the newest {@code keep} bytes of it) and keys written as raw bytes.
 * Positions are absolute (bytes since the channel opened), so that a test can wait for text that arrives after a
 * point it marked. Text is decoded as ISO-8859-1, one char per byte.
 *
 * <p>A reader thread drains the channel; {@link #stall()} stops it, so that the client's SSH window fills and the
 * gateway has to stop sending to this viewer, until {@link #resume()}. Closing the console closes its SSH session too.
 */
public final class RawConsole implements AutoCloseable {
    /** Told every complete line the gateway sends (split at LF, CRs removed), on the reader thread. */
    public interface Lines {
        void line(String line);
    }

    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);
    private static final int LONGEST_LINE = 64 << 10;

    private final ClientSession session;
    private final PtyCapableChannelSession channel;
    private final int keep;
    private final Thread reader;

    // Guarded by this.
    private byte[] kept = new byte[64 << 10];
    private int keptLength;
    /** Absolute position of kept[0]. */
    private long keptFrom;
    private boolean stalled;
    private boolean ended;
    private Lines lines;
    private final StringBuilder line = new StringBuilder();

    private RawConsole(ClientSession session, PtyCapableChannelSession channel, int keep) {
        this.session = session;
        this.channel = channel;
        this.keep = keep;
        this.reader = new Thread(this::read, "raw-console-" + session.getUsername());
        reader.setDaemon(true);
    }

    /**
     * Opens {@code channel} (the {@code console} verb, or a shell) with an xterm pty of the given size on
     * {@code session}, which the console then owns.
     */
    public static RawConsole open(ClientSession session, PtyCapableChannelSession channel, int columns, int rows, int keep)
            throws IOException {
        channel.setUsePty(true);
        channel.setPtyType("xterm");
        channel.setPtyColumns(columns);
        channel.setPtyLines(rows);
        RawConsole console = new RawConsole(session, channel, keep);
        try {
            channel.open().verify(OPEN_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            session.close(true);
            throw e;
        }
        console.reader.start();
        return console;
    }

    private void read() {
        byte[] buffer = new byte[32 << 10];
        try (InputStream in = channel.getInvertedOut()) {
            while (awaitNotStalled()) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                received(buffer, n);
            }
        } catch (IOException e) {
            // The channel closed under us; what arrived is kept.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                ended = true;
            }
        }
    }

    private synchronized boolean awaitNotStalled() throws InterruptedException {
        while (stalled) {
            wait();
        }
        return true;
    }

    private synchronized void received(byte[] bytes, int n) {
        if (keptLength + n > kept.length) {
            if (keptLength + n > keep) {
                int drop = Math.min(keptLength, keptLength + n - keep / 2);
                System.arraycopy(kept, drop, kept, 0, keptLength - drop);
                keptLength -= drop;
                keptFrom += drop;
            }
            if (keptLength + n > kept.length) {
                byte[] bigger = new byte[Math.max(kept.length * 2, keptLength + n)];
                System.arraycopy(kept, 0, bigger, 0, keptLength);
                kept = bigger;
            }
        }
        System.arraycopy(bytes, 0, kept, keptLength, n);
        keptLength += n;
        if (lines != null) {
            for (int i = 0; i < n; i++) {
                char c = (char) (bytes[i] & 0xff);
                if (c == '\n') {
                    lines.line(line.toString());
                    line.setLength(0);
                } else if (c != '\r' && line.length() < LONGEST_LINE) {
                    line.append(c);
                }
            }
        }
    }

    /** From now on every complete line goes to {@code listener} too (the first one may be partial). */
    public synchronized void follow(Lines listener) {
        line.setLength(0);
        lines = listener;
    }

    /** Stops reading until {@link #resume()}: the client's window fills and the gateway must stop sending to this viewer. */
    public synchronized void stall() {
        stalled = true;
    }

    /** Reads again after {@link #stall()}. */
    public synchronized void resume() {
        stalled = false;
        notifyAll();
    }

    /** The position one past the last byte received so far. */
    public synchronized long position() {
        return keptFrom + keptLength;
    }

    /** What arrived from {@code from} on (from what is still kept, if that is later). */
    public synchronized String since(long from) {
        int start = (int) Math.max(0, Math.min(keptLength, from - keptFrom));
        return new String(kept, start, keptLength - start, StandardCharsets.ISO_8859_1);
    }

    public String all() {
        return since(0);
    }

    /** Waits for {@code text} to arrive at or after {@code from}; returns the position just past it. */
    public long awaitText(String text, long from, Duration timeout) {
        long[] found = {-1};
        Await.until("'" + printable(text) + "' on the console", timeout, () -> {
            long base;
            String seen;
            synchronized (this) {
                base = Math.max(from, keptFrom);
                seen = since(from);
            }
            int at = seen.indexOf(text);
            found[0] = at < 0 ? -1 : base + at + text.length();
            return at >= 0;
        }, () -> describe(from));
        return found[0];
    }

    /** Waits for a match of {@code pattern} at or after {@code from}; returns the match (of a copy of the text). */
    public Matcher awaitMatch(Pattern pattern, long from, Duration timeout) {
        Matcher[] found = {null};
        Await.until("a match of /" + pattern + "/ on the console", timeout, () -> {
            Matcher m = pattern.matcher(since(from));
            found[0] = m;
            return m.find();
        }, () -> describe(from));
        return found[0];
    }

    /** Types {@code keys} as a terminal sends them (Enter is CR), in one write. */
    public void type(String keys) throws IOException {
        write(keys.getBytes(StandardCharsets.UTF_8));
    }

    public void write(byte[] bytes) throws IOException {
        OutputStream in = channel.getInvertedIn();
        in.write(bytes);
        in.flush();
    }

    /** Tells the gateway that the client's window is now {@code columns} x {@code rows}. */
    public void resize(int columns, int rows) throws IOException {
        channel.sendWindowChange(columns, rows);
    }

    /** Ctrl-A d, then waits for the gateway to end the channel. */
    public void detach(Duration timeout) throws IOException {
        long from = position();
        type("\u0001d");
        awaitClosed(timeout, from);
    }

    /** Waits for the gateway to close the channel. */
    public void awaitClosed(Duration timeout, long from) {
        Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
        if (!events.contains(ClientChannelEvent.CLOSED)) {
            throw new AssertionError("the console channel did not close within " + timeout.toSeconds() + " s ("
                    + events + "); " + describe(from));
        }
    }

    public synchronized boolean readerEnded() {
        return ended;
    }

    /** The text since {@code from} (its last 3000 characters), with control characters made visible. */
    public String describe(long from) {
        String seen = since(from);
        String tail = seen.length() > 3000 ? "..." + seen.substring(seen.length() - 3000) : seen;
        return "console output since position " + from + " (" + seen.length() + " chars):\n" + printable(tail);
    }

    /** CR, escape and other control characters as visible escapes; LF stays a line break. */
    public static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '\n' || (c >= 0x20 && c < 0x7f)) {
                b.append(c);
            } else if (c == '\r') {
                b.append("\\r");
            } else {
                b.append(String.format("\\x%02x", (int) c));
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        try {
            channel.close(true);
        } finally {
            session.close(true);
            resume();
            reader.interrupt();
        }
    }
}
