package org.yucon.console;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which thread sends: the appender for a small amount the sink takes at once, the pump for the rest. */
@Timeout(10)
class RingPumpTest {
    private final ConsoleRing ring = new ConsoleRing(1 << 16);

    /** Records what it got and on which thread; takes up to {@code room} bytes at once. */
    private static final class Recording implements ConsoleSink {
        private final long room;
        private final ByteArrayOutputStream got = new ByteArrayOutputStream();
        private final List<String> threads = new ArrayList<>();

        Recording(long room) {
            this.room = room;
        }

        @Override
        public synchronized void output(byte[] bytes, int length) {
            got.write(bytes, 0, length);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void missed(long bytes) {
        }

        @Override
        public synchronized boolean offer(byte[] bytes, int length) {
            if (length > room) {
                return false;
            }
            output(bytes, length);
            return true;
        }

        synchronized String text() {
            return got.toString(US_ASCII);
        }

        synchronized List<String> threads() {
            return List.copyOf(threads);
        }
    }

    @Test
    void aSmallAmountTheSinkTakesAtOnceGoesOutOnTheAppendersThread() {
        Recording sink = new Recording(4096);
        RingPump pump = new RingPump("pump", ring.reader(0), sink, e -> { });

        append("echo");
        pump.express();

        assertEquals("echo", sink.text());
        assertEquals(List.of(Thread.currentThread().getName()), sink.threads());
    }

    @Test
    void whatTheSinkCannotTakeAtOnceIsLeftToThePump() throws InterruptedException {
        Recording sink = new Recording(3);
        RingPump pump = new RingPump("pump", ring.reader(0), sink, e -> { });
        append("echo");
        pump.express();
        assertEquals("", sink.text(), "more than the room: not sent on the appender's thread");

        pump.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sink.text().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        pump.stop();

        assertEquals("echo", sink.text());
        assertEquals(List.of("pump"), sink.threads());
    }

    /** A flood's pieces wait for the rest and go out as one chunk (the gathering here lasts 10 s: time cannot end it). */
    @Test
    void aFloodsPiecesGoOutGatheredIntoAChunk() throws InterruptedException {
        Recording sink = new Recording(0);
        RingPump pump = new RingPump("pump", ring.reader(0), sink, e -> { }, RingPump.EXPRESS_BYTES, TimeUnit.SECONDS.toNanos(10));
        pump.start();
        append("x".repeat(2048));
        Thread.sleep(200);
        assertEquals(0, sink.text().length(), "a flood's first piece is held for the rest");

        for (int piece = 1; piece < 16; piece++) {
            append("x".repeat(2048));
        }
        awaitText(sink, 16 * 2048);
        pump.stop();

        assertEquals(List.of("pump"), sink.threads(), "one send for the whole chunk");
    }

    /** An echo that the sink could not take at once is sent by the pump without gathering. */
    @Test
    void anEchoLeftToThePumpIsNotHeld() throws InterruptedException {
        Recording sink = new Recording(0);
        RingPump pump = new RingPump("pump", ring.reader(0), sink, e -> { }, RingPump.EXPRESS_BYTES, TimeUnit.SECONDS.toNanos(10));
        pump.start();
        append("echo");
        pump.express();
        awaitText(sink, 4);
        pump.stop();

        assertEquals("echo", sink.text());
    }

    /** An unhurried pump (the log's) holds even an echo for a while; finishing it writes what it held. */
    @Test
    void anUnhurriedPumpGathersEvenAnEchoAndFinishingItWritesWhatItHeld() {
        Recording sink = new Recording(0);
        RingPump pump = RingPump.unhurried("log", ring.reader(0), sink, e -> { });
        pump.start();
        append("echo");
        append("ed");
        pump.finish(ring.end());

        assertEquals("echoed", sink.text());
        assertEquals(List.of(Thread.currentThread().getName()), sink.threads(),
                "the pump wrote nothing of it on its own; the finishing thread wrote it at once");
    }

    private static void awaitText(Recording sink, int length) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sink.text().length() < length) {
            assertTrue(System.nanoTime() < deadline, "got " + sink.text().length() + " of " + length + " bytes");
            Thread.sleep(10);
        }
    }

    private void append(String text) {
        byte[] bytes = text.getBytes(US_ASCII);
        ring.append(bytes, 0, bytes.length);
    }
}
