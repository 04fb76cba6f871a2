package org.yucon.ssh;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Holding a viewer's channel while the menu or pager has the screen: output waits, told lines queue. */
@Timeout(10)
class ChannelSinkTest {
    private final ByteArrayOutputStream channel = new ByteArrayOutputStream();
    private final ChannelSink sink = new ChannelSink(channel, () -> 2048);

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
        CompletableFuture<Void> pump = CompletableFuture.runAsync(() -> output("guest output"));
        sink.tell("promoted");

        Thread.sleep(100);
        assertEquals("", text(), "nothing may reach the screen the menu or pager has");
        sink.release();
        pump.get(5, TimeUnit.SECONDS);

        assertEquals("\r\n[yucon] promoted\r\nguest output", text());
    }

    @Test
    void severalLinesAreToldAtOnce() throws IOException {
        sink.tell("2 on the console:", "  a", "  b");
        assertEquals("\r\n[yucon] 2 on the console:\r\n[yucon]   a\r\n[yucon]   b\r\n", text());
    }

    @Test
    void aReplayIsFramed() throws IOException {
        sink.replay("x\r\n$ ".getBytes(US_ASCII), "the last 2 lines");
        assertEquals("\r\n[yucon] the last 2 lines:\r\nx\r\n$ \r\n[yucon] end of the replay\r\n", text());
    }

    @Test
    void aPumpHeldWhenItsViewerDetachesStops() throws Exception {
        sink.hold();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try {
                sink.output(new byte[] {'x'}, 1);
                failure.complete(null);
            } catch (IOException e) {
                failure.complete(e);
            }
        });
        pump.start();
        Thread.sleep(50);
        pump.interrupt();

        assertTrue(failure.get(5, TimeUnit.SECONDS) instanceof InterruptedIOException);
        assertEquals("", text());
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
