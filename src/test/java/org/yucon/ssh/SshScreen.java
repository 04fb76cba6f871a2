package org.yucon.ssh;

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
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.jline.builtins.ScreenTerminal;
import org.yucon.testing.Await;

/**
 * What an SSH user with a terminal would see: a session channel with a pty whose output runs through a VT
 * emulator (jline's {@link ScreenTerminal}), so tests assert on the screen rather than on escape sequences.
 * Keys go in as the bytes a terminal sends (Enter is CR).
 */
final class SshScreen implements AutoCloseable {
    static final int COLUMNS = 100;
    static final int ROWS = 30;
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    private final ClientChannel channel;
    private final ScreenTerminal screen = new ScreenTerminal(COLUMNS, ROWS);
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread pump;

    /** Opens {@code channel} (shell, or exec with a pty) with an xterm of {@value #COLUMNS}x{@value #ROWS}. */
    static SshScreen open(PtyCapableChannelSession channel) throws IOException {
        channel.setUsePty(true);
        channel.setPtyType("xterm");
        channel.setPtyColumns(COLUMNS);
        channel.setPtyLines(ROWS);
        return new SshScreen(channel);
    }

    private SshScreen(ClientChannel channel) throws IOException {
        this.channel = channel;
        channel.setErr(stderr);
        channel.open().verify(OPEN_TIMEOUT);
        pump = new Thread(this::pump, "ssh-screen-" + channel.getChannelId());
        pump.setDaemon(true);
        pump.start();
    }

    /** Feeds the emulator; the reader keeps UTF-8 sequences whole across reads (the menu draws boxes). */
    private void pump() {
        char[] buffer = new char[8192];
        try (Reader in = new InputStreamReader(channel.getInvertedOut(), StandardCharsets.UTF_8)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                screen.write(new String(buffer, 0, n));
            }
        } catch (IOException e) {
            // The channel closed under us; what arrived is on the screen.
        }
    }

    void press(String keys) throws IOException {
        OutputStream in = channel.getInvertedIn();
        in.write(keys.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Ctrl-A d, the gateway's default detach. */
    void detach() throws IOException {
        press("\u0001d");
    }

    /** The visible rows, trailing blanks removed. */
    List<String> lines() {
        return Arrays.stream(screen.toString().split("\n")).map(String::stripTrailing).toList();
    }

    String text() {
        return String.join("\n", lines());
    }

    void awaitLine(String what, Duration timeout, Predicate<String> line) {
        Await.until(what + " on the screen", timeout, () -> lines().stream().anyMatch(line), this::describe);
    }

    void awaitText(String text, Duration timeout) {
        Await.until("'" + text + "' on the screen", timeout, () -> text().contains(text), this::describe);
    }

    /** Waits for the server to end the session, then returns its exit status (null if none was sent). */
    Integer awaitExit(Duration timeout) {
        Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
        assertTrue(events.contains(ClientChannelEvent.CLOSED), "the session did not end within " + timeout.toSeconds()
                + " s (" + events + "); " + describe());
        return channel.getExitStatus();
    }

    String describe() {
        return "screen:\n" + text() + "\nstderr: " + stderr.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        channel.close(true);
    }
}
