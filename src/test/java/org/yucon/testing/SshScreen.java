package org.yucon.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.client.session.ClientSession;
import org.jline.builtins.ScreenTerminal;

/**
 * What an SSH user with a terminal would see: a session channel (the menu's shell, or an exec verb) with a pty of a
 * given TERM and size, its output run through a VT emulator (jline's {@link ScreenTerminal}), so that tests assert on
 * rows of text rather than on escape sequences. Keys go in as the bytes a terminal sends (Enter is CR). The window
 * can be resized like a terminal emulator does it (the emulator first, then the SSH window-change).
 */
public final class SshScreen implements AutoCloseable {
    private static final int COLUMNS = 100;
    private static final int ROWS = 30;
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    private final PtyCapableChannelSession channel;
    /** Replaced on a resize; guarded by {@code this} so that the pump never writes into a discarded one. */
    private ScreenTerminal screen;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    /** Everything that arrived, also what has scrolled off since; guarded by {@code this}. */
    private final StringBuilder transcript = new StringBuilder();
    private volatile int columns;
    private volatile int rows;

    private SshScreen(PtyCapableChannelSession channel, int columns, int rows) throws IOException {
        this.channel = channel;
        this.columns = columns;
        this.rows = rows;
        this.screen = new ScreenTerminal(columns, rows);
        channel.setErr(stderr);
        channel.open().verify(OPEN_TIMEOUT);
        Thread pump = new Thread(this::pump, "ssh-screen-" + channel.getChannelId());
        pump.setDaemon(true);
        pump.start();
    }

    /** Opens {@code channel} (shell, or exec with a pty) with an xterm of {@value #COLUMNS}x{@value #ROWS}. */
    public static SshScreen open(PtyCapableChannelSession channel) throws IOException {
        return open(channel, "xterm", COLUMNS, ROWS);
    }

    /** Opens {@code channel} (shell, or exec with a pty) with a pty of type {@code term}, {@code columns} x {@code rows}. */
    public static SshScreen open(PtyCapableChannelSession channel, String term, int columns, int rows) throws IOException {
        channel.setUsePty(true);
        channel.setPtyType(term);
        channel.setPtyColumns(columns);
        channel.setPtyLines(rows);
        return new SshScreen(channel, columns, rows);
    }

    /** Opens the menu (a shell channel of {@code session}) with a pty of type {@code term}, {@code columns} x {@code rows}. */
    public static SshScreen menu(ClientSession session, String term, int columns, int rows) throws IOException {
        return open(session.createShellChannel(), term, columns, rows);
    }

    /** Feeds the emulator; the reader keeps UTF-8 sequences whole across reads (the menu draws boxes). */
    private void pump() {
        char[] buffer = new char[8192];
        try (Reader in = new InputStreamReader(channel.getInvertedOut(), StandardCharsets.UTF_8)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                String text = new String(buffer, 0, n);
                synchronized (this) {
                    screen.write(text);
                    transcript.append(text);
                }
            }
        } catch (IOException e) {
            // The channel closed under us; what arrived is on the screen.
        }
    }

    public void press(String keys) throws IOException {
        OutputStream in = channel.getInvertedIn();
        in.write(keys.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Ctrl-A d, the gateway's default detach. */
    public void detach() throws IOException {
        press("\u0001d");
    }

    /**
     * The terminal window changes size: a blank emulator of the new size at once, then the SSH window-change. A
     * fresh emulator because ScreenTerminal.setSize keeps rows of the old width in its scrollback and fails on them
     * when the screen grows again; the gateway redraws the whole screen after a window-change anyway.
     */
    public void resize(int newColumns, int newRows) throws IOException {
        synchronized (this) {
            screen = new ScreenTerminal(newColumns, newRows);
            columns = newColumns;
            rows = newRows;
        }
        channel.sendWindowChange(newColumns, newRows);
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    /** Every row of the screen, trailing blanks removed; blank rows are kept, so that an index is a row. */
    public List<String> lines() {
        String dump;
        synchronized (this) {
            dump = screen.toString();
        }
        return Arrays.stream(dump.split("\n", -1)).map(String::stripTrailing).toList();
    }

    public String text() {
        return String.join("\n", lines()).stripTrailing();
    }

    /** Row {@code index}, counted from the top; "" if the screen has fewer. */
    public String row(int index) {
        List<String> lines = lines();
        return index < lines.size() ? lines.get(index) : "";
    }

    public void awaitLine(String what, Duration timeout, Predicate<String> line) {
        Await.until(what + " on the screen", timeout, () -> lines().stream().anyMatch(line), this::describe);
    }

    public void awaitText(String text, Duration timeout) {
        Await.until("'" + text + "' on the screen", timeout, () -> text().contains(text), this::describe);
    }

    /**
     * Waits for {@code text} to have arrived, on the screen or scrolled off it since: a line the gateway prints once
     * (the console's header) may be pushed off at once by a guest that goes on printing.
     */
    public void awaitArrived(String text, Duration timeout) {
        Await.until("'" + text + "' among what arrived", timeout, () -> {
            synchronized (this) {
                return transcript.indexOf(text) >= 0;
            }
        }, this::describe);
    }

    public void awaitNoText(String text, Duration timeout) {
        Await.until("'" + text + "' gone from the screen", timeout, () -> !text().contains(text), this::describe);
    }

    /** Waits for the gateway to end the session, then returns its exit status (null if none was sent). */
    public Integer awaitExit(Duration timeout) {
        Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
        assertTrue(events.contains(ClientChannelEvent.CLOSED), "the session did not end within " + timeout.toSeconds()
                + " s (" + events + "); " + describe());
        return channel.getExitStatus();
    }

    /** The screen as the user sees it, framed with its size, and what came on stderr: for failure messages. */
    public String describe() {
        List<String> lines = lines();
        StringBuilder b = new StringBuilder("screen ").append(columns).append('x').append(rows).append(":\n");
        for (int i = 0; i < lines.size(); i++) {
            b.append(String.format("%2d|%s%n", i, lines.get(i)));
        }
        return b.append("stderr: ").append(stderr.toString(StandardCharsets.UTF_8)).toString();
    }

    @Override
    public void close() {
        channel.close(true);
    }
}
