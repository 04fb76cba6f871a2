package org.yucon.ssh;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.sshd.common.channel.throttle.ChannelStreamWriter;
import org.apache.sshd.common.io.AbstractIoWriteFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.config.RecordingSettings;
import org.yucon.recording.Recording;
import org.yucon.recording.Recordings;
import org.yucon.testing.Await;
import org.yucon.util.JsonText;

/**
 * Holding a viewer's channel while the menu or pager has the screen: output waits, told lines queue. And output
 * waits while the channel's packets wait in MINA's queue (here a queue whose writes the test completes).
 */
@Timeout(10)
class ChannelSinkTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ByteArrayOutputStream channel = new ByteArrayOutputStream();
    private final Deque<AbstractIoWriteFuture> queued = new ArrayDeque<>();
    private final PacketsInFlight inFlight = new PacketsInFlight(new QueueOfWrites());
    private final ChannelSink sink = new ChannelSink(channel, () -> 2048, inFlight, Recording.OFF);

    @Test
    void anOfferIsTakenOnlyWhenNotHeldAndTheClientsWindowHasRoom() throws IOException {
        assertFalse(sink.offer(new byte[4096], 4096), "more than the window could wait for the client");
        sink.hold();
        assertFalse(sink.offer("held".getBytes(US_ASCII), 4), "a held sink takes nothing at once");
        sink.release();
        assertEquals("", text());

        assertTrue(sink.offer("echo".getBytes(US_ASCII), 4));
        assertEquals("echo", text());
    }

    @Test
    void heldOutputWaitsAndToldLinesComeFirstOnRelease() throws Exception {
        sink.hold();
        FutureTask<Void> pumped = new FutureTask<>(() -> output("guest output"), null);
        Thread pump = start(pumped);
        sink.tell("promoted");

        Await.waitingIn(pump, ChannelSink.class, "output", WAIT);
        assertEquals("", text(), "nothing may reach the screen the menu or pager has");
        sink.release();
        pumped.get(5, TimeUnit.SECONDS);

        assertEquals("\r\n[yucon] promoted\r\nguest output", text());
    }

    /** The recording has what went out on the channel, in the channel's order, lines told while held included. */
    @Test
    void theRecordingHasWhatTheViewerWasShownInThatOrder(@TempDir Path state) throws Exception {
        try (Recordings recordings = new Recordings(state, RecordingSettings.defaults(), Clock.systemUTC(), () -> { })) {
            Recording recording = recordings.start("uml1", "alice", "/10.0.0.7:5555", "ssh channel 0");
            recording.window(80, 24);
            ChannelSink recorded = new ChannelSink(channel, () -> 2048, inFlight, recording);
            recorded.output("login: ".getBytes(US_ASCII), 7);
            recorded.offer("r".getBytes(US_ASCII), 1);
            recorded.hold();
            recorded.tell("promoted");
            recorded.release();
            recorded.replay("old\r\n".getBytes(US_ASCII), "the last line");
            recording.end();

            Path file = state.resolve("recordings/uml1/1.cast");
            Await.until("the recording closed", WAIT, () -> recordings.list(g -> true).stream().anyMatch(r -> !r.live()),
                    () -> recordings.list(g -> true).toString());
            String shown = Files.readAllLines(file, UTF_8).stream().skip(1)
                    .map(l -> l.replaceFirst("^\\[[0-9.]+, \"o\", \"(.*)\"]$", "$1")).map(JsonText::unescape)
                    .collect(Collectors.joining());
            assertEquals(text(), shown);
        }
    }

    @Test
    void severalLinesAreToldAtOnce() throws IOException {
        sink.tell("2 on the console:", "  a", "  b");
        assertEquals("\r\n[yucon] 2 on the console:\r\n[yucon]   a\r\n[yucon]   b\r\n", text());
    }

    /** A told line may quote a guest's kernel (a SysRq reply): it reaches the terminal printable. */
    @Test
    void toldLinesArePrintable() throws IOException {
        sink.tell("SysRq t sent to uml1: task:x\u009b2J\u202ey \u001b[6n");
        assertEquals("\r\n[yucon] SysRq t sent to uml1: task:x?2J?y ?[6n\r\n", channel.toString(UTF_8));
    }

    @Test
    void aReplayIsFramed() throws IOException {
        sink.replay("x\r\n$ ".getBytes(US_ASCII), "the last 2 lines");
        assertEquals("\r\n[yucon] the last 2 lines:\r\nx\r\n$ \r\n[yucon] end of the replay\r\n", text());
    }

    @Test
    void aPumpHeldWhenItsViewerDetachesStops() throws Exception {
        sink.hold();
        FutureTask<Void> pumped = new FutureTask<>(() -> {
            sink.output(new byte[] {'x'}, 1);
            return null;
        });
        Thread pump = start(pumped);
        Await.waitingIn(pump, ChannelSink.class, "output", WAIT);
        pump.interrupt();

        ExecutionException failure = assertThrows(ExecutionException.class, () -> pumped.get(5, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof InterruptedIOException, failure.getCause().toString());
        assertEquals("", text());
    }

    @Test
    void anOfferWaitsUntilNoPacketIsInFlight() throws IOException {
        inFlight.writeData(new ByteArrayBuffer(new byte[] {'m'}));
        assertFalse(sink.offer("echo".getBytes(US_ASCII), 4), "an echo behind a queued packet goes with the pump");
        written();
        assertTrue(sink.offer("echo".getBytes(US_ASCII), 4));
        assertEquals("echo", text());
    }

    @Test
    void thePumpWaitsWhileTwoPacketsAreInFlight() throws Exception {
        inFlight.writeData(new ByteArrayBuffer(new byte[] {'a'}));
        inFlight.writeData(new ByteArrayBuffer(new byte[] {'b'}));
        FutureTask<Void> pumped = new FutureTask<>(() -> output("more"), null);
        Thread pump = start(pumped);

        Await.waitingIn(pump, PacketsInFlight.class, "awaitFewerThan", WAIT);
        assertEquals("", text(), "the pump must wait for the client to take what was sent");
        written();
        pumped.get(5, TimeUnit.SECONDS);
        assertEquals("more", text());
    }

    /** MINA's unchecked failures of a write reach the pump as the channel's failure, not as its thread's death. */
    @Test
    void aWriteThatFailsUncheckedFailsAsTheChannels() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) {
                throw new IllegalStateException("broken");
            }
        };
        ChannelSink failing = new ChannelSink(broken, () -> 2048, inFlight, Recording.OFF);

        IOException offered = assertThrows(IOException.class, () -> failing.offer(new byte[1], 1));
        assertTrue(offered.getMessage().contains("broken"), offered.getMessage());
        assertThrows(IOException.class, () -> failing.output(new byte[1], 1));
    }

    /** Runs {@code pumping} on a thread of its own, as a viewer's pump runs; a daemon, as a failed test may leave it. */
    private static Thread start(FutureTask<Void> pumping) {
        Thread pump = new Thread(pumping, "pump");
        pump.setDaemon(true);
        pump.start();
        return pump;
    }

    private void written() {
        queued.removeFirst().setValue(Boolean.TRUE);
    }

    /** MINA's write queue as far as the count sees it: writes done when the test says so. */
    private final class QueueOfWrites implements ChannelStreamWriter {
        @Override
        public IoWriteFuture writeData(Buffer buffer) {
            AbstractIoWriteFuture future = new AbstractIoWriteFuture(buffer, null) {
            };
            queued.addLast(future);
            return future;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private void output(String text) {
        try {
            sink.output(text.getBytes(US_ASCII), text.length());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String text() {
        synchronized (channel) {
            return channel.toString(US_ASCII);
        }
    }
}
