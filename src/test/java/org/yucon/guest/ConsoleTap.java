package org.yucon.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.yucon.console.ConsoleSink;
import org.yucon.console.ConsoleViewer;
import org.yucon.testing.Await;

/**
 * A test's own viewer on a guest console: collects everything the hub pumps to it, types as the writer, and
 * waits for text. A hub keeps its ring across runs of the guest and replays part of it on attach, so each
 * tap first puts a unique mark into the console and looks only at what comes after that mark: whatever it
 * then finds was printed by the run the test started, not an earlier one.
 */
final class ConsoleTap implements AutoCloseable {
    private static final Duration MARK_TIMEOUT = Duration.ofSeconds(10);

    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private final ConsoleViewer viewer;
    private final String mark = "tap " + UUID.randomUUID();

    private ConsoleTap(GuestSupervisor guest) {
        ConsoleSink sink = new ConsoleSink() {
            @Override
            public void output(byte[] bytes, int length) {
                synchronized (seen) {
                    seen.write(bytes, 0, length);
                }
            }

            @Override
            public void missed(long bytes) {
                throw new AssertionError("the test's console tap fell behind by " + bytes + " bytes");
            }
        };
        this.viewer = guest.console().attach("test", sink, true, change -> { });
        guest.console().announce(mark);
    }

    /** Attaches as the writer and returns once the mark came through, i.e. the replay is behind us. */
    static ConsoleTap attach(GuestSupervisor guest) {
        ConsoleTap tap = new ConsoleTap(guest);
        Await.until("the tap's mark on the console of " + guest.name(), MARK_TIMEOUT,
                () -> tap.all().contains(tap.mark), tap::all);
        if (!tap.viewer.isWriter()) {
            tap.close();
            throw new IllegalStateException("another viewer writes on " + guest.name() + "; a previous test did not detach");
        }
        return tap;
    }

    /** Console output since the mark (or since {@link #from}), CRs removed so that lines split on LF. */
    String since(int from) {
        String all = all();
        int start = all.indexOf(mark);
        // CRs go before counting: positions are in the text without them.
        String fresh = start < 0 ? "" : all.substring(start + mark.length()).replace("\r", "");
        return fresh.substring(Math.min(from, fresh.length()));
    }

    /** Where the output ends now; pass to {@link #since} to look only at what comes after a keystroke. */
    int position() {
        return since(0).length();
    }

    void awaitText(String text, Duration timeout) {
        awaitText(text, 0, timeout);
    }

    void awaitText(String text, int from, Duration timeout) {
        Await.until("'" + text + "' on the console", timeout, () -> since(from).contains(text), () -> since(0));
    }

    /** Waits for a line that is exactly {@code line}, e.g. a command's output rather than its echo. */
    void awaitLine(String line, int from, Duration timeout) {
        Await.until("a line '" + line + "' on the console", timeout,
                () -> Arrays.asList(since(from).split("\n")).contains(line), () -> since(0));
    }

    void type(String keys) throws IOException {
        byte[] bytes = keys.getBytes(StandardCharsets.UTF_8);
        viewer.type(bytes, 0, bytes.length);
    }

    private String all() {
        synchronized (seen) {
            return seen.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        viewer.detach();
    }
}
