package org.yucon.console;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yucon.testing.Await;

/** Which thread sends: the appender for a small amount the sink takes at once, the pump for the rest. */
@Timeout(10)
class RingPumpTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

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
    void whatTheSinkCannotTakeAtOnceIsLeftToThePump() {
        Recording sink = new Recording(3);
        RingPump pump = new RingPump("pump", ring.reader(0), sink, e -> { });
        append("echo");
        pump.express();
        assertEquals("", sink.text(), "more than the room: not sent on the appender's thread");

        pump.start();
        awaitText(sink, 4);
        pump.stop();

        assertEquals("echo", sink.text());
        assertEquals(List.of("pump"), sink.threads());
    }

    /** A flood's pieces wait for the rest and go out as one chunk (the gathering here lasts 10 s: time cannot end it). */
    @Test
    void aFloodsPiecesGoOutGatheredIntoAChunk() {
        Recording sink = new Recording(0);
        String name = "flood pump";
        RingPump pump = new RingPump(name, ring.reader(0), sink, e -> { }, RingPump.EXPRESS_BYTES, TimeUnit.SECONDS.toNanos(10));
        pump.start();
        append("x".repeat(2048));
        Await.waitingIn(thread(name), ConsoleRing.Reader.class, "awaitGathered", WAIT);
        assertEquals(0, sink.text().length(), "a flood's first piece is held for the rest");

        for (int piece = 1; piece < 16; piece++) {
            append("x".repeat(2048));
        }
        awaitText(sink, 16 * 2048);
        pump.stop();

        assertEquals(List.of(name), sink.threads(), "one send for the whole chunk");
    }

    /** An echo that the sink could not take at once is sent by the pump without gathering. */
    @Test
    void anEchoLeftToThePumpIsNotHeld() {
        Recording sink = new Recording(0);
        RingPump pump = new RingPump("pump", ring.reader(0), sink, e -> { }, RingPump.EXPRESS_BYTES, TimeUnit.SECONDS.toNanos(10));
        pump.start();
        append("echo");
        pump.express();
        awaitText(sink, 4);
        pump.stop();

        assertEquals("echo", sink.text());
    }

    private static void awaitText(Recording sink, int length) {
        Await.until(length + " bytes", WAIT, () -> sink.text().length() >= length, () -> sink.text().length() + " bytes");
    }

    /** The live thread of that name: a pump's own, which it does not show. */
    private static Thread thread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread named " + name));
    }

    private void append(String text) {
        byte[] bytes = text.getBytes(US_ASCII);
        ring.append(bytes, 0, bytes.length);
    }
}
