package org.yucon.console;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yucon.testing.Await;

class ConsoleRingTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ConsoleRing ring = new ConsoleRing(8);
    private final byte[] into = new byte[64];

    @Test
    void bytesAreReadInTheOrderAppended() throws InterruptedException {
        append("abc");
        append("de");

        ConsoleRing.Chunk chunk = ring.reader(0).read(into);

        assertEquals(new ConsoleRing.Chunk(0, 5, 0), chunk);
        assertEquals("abcde", text(chunk));
        assertEquals(0, ring.start());
        assertEquals(5, ring.end());
    }

    @Test
    void aGapIsCountedAsMissedAndNeverReadAsData() throws InterruptedException {
        append("ab");
        ring.gap(3);
        append("cd");

        ConsoleRing.Chunk before = ring.reader(0).read(into);
        assertEquals(new ConsoleRing.Chunk(0, 2, 0), before, "a read stops where the gap begins");
        ConsoleRing.Chunk after = ring.reader(before.next()).read(into);
        assertEquals(new ConsoleRing.Chunk(5, 2, 3), after, "the gap is missed, then the output after it");
        assertEquals("cd", text(after));
        assertEquals("abcd", new String(ring.held(), US_ASCII), "held output leaves the gap out");
    }

    @Test
    void aGapLargerThanTheRingLeavesOnlyWhatCameAfter() throws InterruptedException {
        append("abc");
        ring.gap(100);
        append("xy");

        assertEquals(new ConsoleRing.Chunk(103, 2, 103), ring.reader(0).read(into));
        assertEquals("xy", new String(ring.held(), US_ASCII));
    }

    @Test
    void readingFromACursorReturnsOnlyWhatFollowsIt() throws InterruptedException {
        append("abcde");
        assertEquals("de", text(ring.reader(3).read(into)));
    }

    @Test
    void appendsWrapAroundTheEndOfTheBuffer() throws InterruptedException {
        append("abcdef");
        ConsoleRing.Chunk first = ring.reader(0).read(into);
        append("ghijk");

        ConsoleRing.Chunk chunk = ring.reader(first.next()).read(into);

        assertEquals(new ConsoleRing.Chunk(6, 5, 0), chunk);
        assertEquals("ghijk", text(chunk));
        assertEquals(3, ring.start());
        assertEquals("defghijk", text(ring.reader(3).read(into)));
    }

    @Test
    void readerBehindByMoreThanTheCapacityIsToldExactlyWhatItMissed() throws InterruptedException {
        append("abc");
        append("defghij");
        append("klm");

        ConsoleRing.Chunk chunk = ring.reader(1).read(into);

        assertEquals(new ConsoleRing.Chunk(5, 8, 4), chunk);
        assertEquals("fghijklm", text(chunk));
    }

    @Test
    void appendLargerThanTheCapacityKeepsItsLastBytes() throws InterruptedException {
        append("ab");
        append("0123456789");

        ConsoleRing.Chunk chunk = ring.reader(0).read(into);

        assertEquals(new ConsoleRing.Chunk(4, 8, 4), chunk);
        assertEquals("23456789", text(chunk));
        assertEquals(12, ring.end());
    }

    @Test
    void smallBufferGetsTheOldestBytesFirst() throws InterruptedException {
        append("abcdef");
        byte[] small = new byte[4];
        ConsoleRing.Chunk chunk = ring.reader(0).read(small);
        assertEquals(new ConsoleRing.Chunk(0, 4, 0), chunk);
        assertEquals("abcd", new String(small, US_ASCII));
    }

    @Test
    void awaitWithNothingNewWaitsForTheTimeoutThenThereIsNothing() throws InterruptedException {
        append("abc");
        ConsoleRing.Reader reader = ring.reader(3);
        long started = System.nanoTime();

        reader.awaitOutput(200);
        ConsoleRing.Chunk chunk = reader.read(into);

        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(new ConsoleRing.Chunk(3, 0, 0), chunk);
        assertTrue(waitedMillis >= 190, "returned after " + waitedMillis + " ms");
    }

    @Test
    @Timeout(10)
    void waitingReaderWakesForAnAppend() throws Exception {
        FutureTask<ConsoleRing.Chunk> read = awaitAndRead(ring.reader(0));
        append("x");

        assertEquals("x", text(read.get(5, TimeUnit.SECONDS)));
    }

    @Test
    @Timeout(10)
    void closeWakesAWaitingReaderWithNothing() throws Exception {
        FutureTask<ConsoleRing.Chunk> read = awaitAndRead(ring.reader(0));
        ring.close();

        assertEquals(new ConsoleRing.Chunk(0, 0, 0), read.get(5, TimeUnit.SECONDS));
    }

    /**
     * A writer pours 10 MB in random chunk sizes into a 64 KiB ring while a reader follows: each byte it gets is
     * the one written at that sequence number, and what it got plus what it was told it missed is everything.
     */
    @Test
    @Timeout(30)
    void concurrentReaderGetsCorrectBytesOrIsToldWhatItMissed() throws InterruptedException {
        ConsoleRing shared = new ConsoleRing(64 << 10);
        long total = 10_000_000;
        Thread writer = new Thread(() -> pour(shared, total, 100_000));
        writer.start();

        byte[] buffer = new byte[1 << 20];
        long cursor = 0;
        long received = 0;
        long missed = 0;
        ConsoleRing.Reader reader = shared.reader(0);
        while (cursor < total) {
            reader.awaitOutput(1000);
            ConsoleRing.Chunk chunk = reader.read(buffer);
            assertEquals(cursor + chunk.missed(), chunk.from());
            assertArrayEquals(expected(chunk.from(), chunk.count()), Arrays.copyOf(buffer, chunk.count()));
            received += chunk.count();
            missed += chunk.missed();
            cursor = chunk.next();
        }
        writer.join();

        assertEquals(total, cursor);
        assertEquals(total, received + missed);
    }

    /**
     * Flow control: a reader that keeps up, however slowly, gets all of 4 MB poured into a 16 KiB ring, nothing
     * missed, because the appender waits for it.
     */
    @Test
    @Timeout(60)
    void aHoldingReaderThatKeepsUpMissesNothing() throws InterruptedException {
        ConsoleRing held = new ConsoleRing(16 << 10, Duration.ofSeconds(30));
        ConsoleRing.Reader reader = held.reader(0);
        long total = 4_000_000;
        Thread writer = new Thread(() -> pour(held, total, 16 << 10));
        writer.start();

        byte[] buffer = new byte[3000];
        long received = 0;
        long missed = 0;
        Random pauses = new Random(3);
        while (received + missed < total) {
            reader.awaitOutput(1000);
            ConsoleRing.Chunk chunk = reader.read(buffer);
            assertArrayEquals(expected(chunk.from(), chunk.count()), Arrays.copyOf(buffer, chunk.count()));
            received += chunk.count();
            missed += chunk.missed();
            if (pauses.nextInt(200) == 0) {
                Thread.sleep(5);
            }
        }
        writer.join();

        assertEquals(0, missed);
        assertEquals(total, received);
    }

    @Test
    @Timeout(10)
    void aStalledReaderCostsOnePauseThenIsToldWhatItMissed() throws InterruptedException {
        ConsoleRing held = new ConsoleRing(8, Duration.ofMillis(300));
        ConsoleRing.Reader stalled = held.reader(0);
        appendTo(held, "abcdefgh");

        long first = millisToAppend(held, "ijkl");
        long second = millisToAppend(held, "mnop");

        assertTrue(first >= 290, "the first append that overwrites waited " + first + " ms");
        assertTrue(second < 250, "the reader was let go, yet the next append waited " + second + " ms");
        ConsoleRing.Chunk chunk = stalled.read(into);
        assertEquals(new ConsoleRing.Chunk(8, 8, 8), chunk);
    }

    @Test
    @Timeout(10)
    void aReaderThatCaughtUpHoldsAgain() throws InterruptedException {
        ConsoleRing held = new ConsoleRing(8, Duration.ofMillis(300));
        ConsoleRing.Reader reader = held.reader(0);
        appendTo(held, "abcdefgh");
        millisToAppend(held, "ijkl");
        reader.read(into);
        appendTo(held, "mnopqrst");

        long waited = millisToAppend(held, "u");

        assertTrue(waited >= 290, "a caught-up reader held the appender for " + waited + " ms");
    }

    @Test
    @Timeout(10)
    void aReaderLookingAwayOrClosedHoldsNothing() {
        ConsoleRing held = new ConsoleRing(8, Duration.ofSeconds(60));
        ConsoleRing.Reader away = held.reader(0);
        ConsoleRing.Reader closed = held.reader(0);
        away.stopHolding();
        closed.close();

        appendTo(held, "abcdefgh");

        assertTrue(millisToAppend(held, "ijklmnop") < 5_000);
    }

    @Test
    @Timeout(10)
    void stopHoldingReleasesAWaitingAppender() throws InterruptedException {
        ConsoleRing held = new ConsoleRing(8, Duration.ofSeconds(60));
        ConsoleRing.Reader reader = held.reader(0);
        appendTo(held, "abcdefgh");
        Thread writer = new Thread(() -> appendTo(held, "ijkl"), "appender");
        writer.start();
        Await.waitingIn(writer, ConsoleRing.class, "makeRoom", WAIT);
        assertEquals(8, held.end(), "the appender waits for the reader");

        reader.stopHolding();
        writer.join();

        assertEquals(12, held.end());
    }

    /**
     * Starts a reader's thread (a daemon, which a failed test may leave waiting) that waits up to a minute for
     * output and then reads it into {@link #into}; returns once that thread waits, so that what the test does next
     * has to wake it.
     */
    private FutureTask<ConsoleRing.Chunk> awaitAndRead(ConsoleRing.Reader reader) {
        FutureTask<ConsoleRing.Chunk> read = new FutureTask<>(() -> {
            reader.awaitOutput(60_000);
            return reader.read(into);
        });
        Thread thread = new Thread(read, "reader");
        thread.setDaemon(true);
        thread.start();
        Await.waitingIn(thread, ConsoleRing.Reader.class, "awaitOutput", WAIT);
        return read;
    }

    private static void pour(ConsoleRing target, long total, int maxChunk) {
        Random random = new Random(7);
        byte[] chunk = new byte[maxChunk];
        for (long seq = 0; seq < total; ) {
            int length = (int) Math.min(total - seq, 1 + random.nextInt(random.nextBoolean() ? 100 : chunk.length));
            for (int i = 0; i < length; i++) {
                chunk[i] = expected(seq + i);
            }
            target.append(chunk, 0, length);
            seq += length;
        }
    }

    private static long millisToAppend(ConsoleRing target, String text) {
        long started = System.nanoTime();
        appendTo(target, text);
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static void appendTo(ConsoleRing target, String text) {
        byte[] bytes = text.getBytes(US_ASCII);
        target.append(bytes, 0, bytes.length);
    }

    private static byte[] expected(long from, int count) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = expected(from + i);
        }
        return bytes;
    }

    /** The byte at a sequence number: a hash, so that a copy from a wrong offset cannot pass for the right one. */
    private static byte expected(long seq) {
        return (byte) ((seq * 0x9E3779B97F4A7C15L) >>> 56);
    }

    private void append(String text) {
        appendTo(ring, text);
    }

    private String text(ConsoleRing.Chunk chunk) {
        return new String(into, 0, chunk.count(), US_ASCII);
    }

    @Test
    void aQuietRingTakesLittleMemoryAndGrowsOnlyWithItsOutput() {
        ConsoleRing big = new ConsoleRing(1 << 20);
        assertEquals(ConsoleRing.FIRST_SIZE, big.allocated(), "a new ring");
        byte[] boot = new byte[20_000];
        big.append(boot, 0, boot.length);
        assertEquals(32 << 10, big.allocated(), "after a boot's messages: the next power of two");
        byte[] flood = new byte[3 << 20];
        big.append(flood, 0, flood.length);
        assertEquals(1 << 20, big.allocated(), "never more than its capacity");
    }

    /** Whatever its growth, a ring answers as one allocated at full size does: same reads, same held bytes, same start. */
    @Test
    void aGrowingRingReadsAsAFullSizedOneThroughAppendsAndGaps() {
        int capacity = 100_000;
        Random random = new Random(19);
        ConsoleRing grown = new ConsoleRing(capacity);
        ConsoleRing.Reader slow = grown.reader(0);
        StringBuilder all = new StringBuilder();
        long end = 0;
        for (int step = 0; step < 400; step++) {
            if (random.nextInt(10) == 0) {
                int lost = random.nextInt(300);
                grown.gap(lost);
                all.append("\0".repeat(lost));
                end += lost;
            } else {
                byte[] bytes = new byte[random.nextInt(2_000)];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) ('a' + random.nextInt(26));
                }
                grown.append(bytes, 0, bytes.length);
                all.append(new String(bytes, US_ASCII));
                end += bytes.length;
            }
            long start = Math.max(0, end - capacity);
            assertEquals(start, grown.start(), "start after step " + step);
            assertEquals(all.substring((int) start).replace("\0", ""), new String(grown.held(), US_ASCII), "held after step " + step);
            if (step % 7 == 0) {
                readAll(slow, all, end);
            }
        }
        assertTrue(grown.allocated() <= capacity, "allocated " + grown.allocated());
    }

    /** Reads to the end; every byte read is the one appended at its sequence number, every gap counted as missed. */
    private static void readAll(ConsoleRing.Reader reader, StringBuilder all, long end) {
        byte[] buffer = new byte[1_500];
        while (reader.cursor() < end) {
            ConsoleRing.Chunk chunk = reader.read(buffer);
            assertEquals(all.substring((int) chunk.from(), (int) chunk.next()), new String(buffer, 0, chunk.count(), US_ASCII),
                    "bytes from " + chunk.from());
            assertTrue(all.substring((int) (chunk.from() - chunk.missed()), (int) chunk.from()).chars().allMatch(c -> c == 0)
                    || chunk.from() - chunk.missed() < end - 100_000, "only gaps or overwritten bytes are missed: " + chunk);
        }
    }
}
