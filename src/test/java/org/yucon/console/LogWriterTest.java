package org.yucon.console;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yucon.testing.Await;

/** One thread writes every log: what it gathers, in order, each log through its own reader, a failed one alone. */
@Timeout(20)
class LogWriterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final LogWriter writer = new LogWriter("test-logs");

    @AfterEach
    void close() {
        writer.close();
    }

    /** Records what it got and on which threads; fails once told to. */
    private static final class Recording implements ConsoleSink {
        private final ByteArrayOutputStream got = new ByteArrayOutputStream();
        private final List<String> threads = new ArrayList<>();
        private long missed;
        private boolean failing;

        @Override
        public synchronized void output(byte[] bytes, int length) throws IOException {
            if (failing) {
                throw new IOException("no space left on device");
            }
            got.write(bytes, 0, length);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public synchronized void missed(long bytes) {
            missed += bytes;
        }

        synchronized void fail() {
            failing = true;
        }

        synchronized String text() {
            return got.toString(US_ASCII);
        }

        synchronized int size() {
            return got.size();
        }

        synchronized List<String> threads() {
            return List.copyOf(threads);
        }

        synchronized long missedBytes() {
            return missed;
        }
    }

    /** A guest's console: its ring, and its log fed as the keeper's console reader feeds it. */
    private final class Console {
        final ConsoleRing ring;
        final Recording sink = new Recording();
        final List<IOException> failures = new CopyOnWriteArrayList<>();
        final LogWriter.Log log;

        Console(String name, int capacity) {
            ring = new ConsoleRing(capacity);
            log = writer.start(name, ring.reader(ring.start()), sink, failures::add);
        }

        void print(byte[] bytes) {
            ring.append(bytes, 0, bytes.length);
            log.arrived(bytes.length);
        }

        void print(String text) {
            print(text.getBytes(US_ASCII));
        }

        void awaitLogged(int bytes) {
            Await.until(bytes + " bytes in the log", WAIT, () -> sink.size() >= bytes, () -> sink.size() + " bytes");
        }
    }

    @Test
    void anEchoIsWrittenByTheWriterAfterItGathered() {
        Console console = new Console("g1", 1 << 16);
        console.print("echo");
        console.print("ed");
        console.awaitLogged(6);

        assertEquals("echoed", console.sink.text());
        assertEquals(List.of("test-logs"), console.sink.threads(), "gathered, then written at once by the writer");
    }

    @Test
    void finishingWritesWhatWasGatheringOnTheFinishingThread() {
        Console console = new Console("g1", 1 << 16);
        console.print("last words");
        console.log.finish(console.ring.end());

        assertEquals("last words", console.sink.text());
        console.print("after the end");
        assertEquals("last words", console.sink.text(), "a finished log takes nothing more");
    }

    @Test
    void whatTheRingHeldBeforeTheLogStartedIsWrittenToo() {
        ConsoleRing ring = new ConsoleRing(1 << 16);
        ring.append("boot\r\n".getBytes(US_ASCII), 0, 6);
        Recording sink = new Recording();
        writer.start("g1", ring.reader(ring.start()), sink, e -> { });

        Await.until("the earlier output in the log", WAIT, () -> sink.size() == 6, () -> sink.text());
        assertEquals("boot\r\n", sink.text());
    }

    /** A flood: every byte in order, in chunks, while another guest's log is written as well. */
    @Test
    void aFloodIsWrittenWholeAndInOrderBesideAnotherLog() {
        Console flooding = new Console("g1", 1 << 20);
        Console quiet = new Console("g2", 1 << 16);
        byte[] flood = new byte[600 * 1024];
        for (int i = 0; i < flood.length; i++) {
            flood[i] = (byte) ('a' + i % 26);
        }
        for (int at = 0; at < flood.length; at += 2048) {
            flooding.print(Arrays.copyOfRange(flood, at, at + 2048));
            if (at == 300 * 1024) {
                quiet.print("login: ");
            }
        }
        flooding.awaitLogged(flood.length);
        quiet.awaitLogged(7);

        assertEquals(new String(flood, US_ASCII), flooding.sink.text());
        assertEquals(0, flooding.sink.missedBytes());
        assertEquals("login: ", quiet.sink.text());
    }

    @Test
    void aFailedLogStopsAloneAndSaysWhy() {
        Console failing = new Console("g1", 1 << 16);
        Console fine = new Console("g2", 1 << 16);
        failing.sink.fail();
        failing.print("lost");
        Await.until("the failure reported", WAIT, () -> !failing.failures.isEmpty(), () -> "none yet");
        fine.print("kept");
        fine.awaitLogged(4);

        assertEquals("no space left on device", failing.failures.get(0).getMessage());
        assertEquals(1, failing.failures.size());
        assertEquals("kept", fine.sink.text());
    }
}
