package org.yucon.console;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ConsoleRingTest {
    private final ConsoleRing ring = new ConsoleRing(8);
    private final byte[] into = new byte[64];

    @Test
    void bytesAreReadInTheOrderAppended() throws InterruptedException {
        append("abc");
        append("de");

        ConsoleRing.Chunk chunk = ring.read(0, into, 0);

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

        ConsoleRing.Chunk before = ring.read(0, into, 0);
        assertEquals(new ConsoleRing.Chunk(0, 2, 0), before, "a read stops where the gap begins");
        ConsoleRing.Chunk after = ring.read(before.next(), into, 0);
        assertEquals(new ConsoleRing.Chunk(5, 2, 3), after, "the gap is missed, then the output after it");
        assertEquals("cd", text(after));
        assertEquals("abcd", new String(ring.held(), US_ASCII), "held output leaves the gap out");
    }

    @Test
    void aGapLargerThanTheRingLeavesOnlyWhatCameAfter() throws InterruptedException {
        append("abc");
        ring.gap(100);
        append("xy");

        assertEquals(new ConsoleRing.Chunk(103, 2, 103), ring.read(0, into, 0));
        assertEquals("xy", new String(ring.held(), US_ASCII));
    }

    @Test
    void readingFromACursorReturnsOnlyWhatFollowsIt() throws InterruptedException {
        append("abcde");
        assertEquals("de", text(ring.read(3, into, 0)));
    }

    @Test
    void appendsWrapAroundTheEndOfTheBuffer() throws InterruptedException {
        append("abcdef");
        ConsoleRing.Chunk first = ring.read(0, into, 0);
        append("ghijk");

        ConsoleRing.Chunk chunk = ring.read(first.next(), into, 0);

        assertEquals(new ConsoleRing.Chunk(6, 5, 0), chunk);
        assertEquals("ghijk", text(chunk));
        assertEquals(3, ring.start());
        assertEquals("defghijk", text(ring.read(3, into, 0)));
    }

    @Test
    void readerBehindByMoreThanTheCapacityIsToldExactlyWhatItMissed() throws InterruptedException {
        append("abc");
        append("defghij");
        append("klm");

        ConsoleRing.Chunk chunk = ring.read(1, into, 0);

        assertEquals(new ConsoleRing.Chunk(5, 8, 4), chunk);
        assertEquals("fghijklm", text(chunk));
    }

    @Test
    void appendLargerThanTheCapacityKeepsItsLastBytes() throws InterruptedException {
        append("ab");
        append("0123456789");

        ConsoleRing.Chunk chunk = ring.read(0, into, 0);

        assertEquals(new ConsoleRing.Chunk(4, 8, 4), chunk);
        assertEquals("23456789", text(chunk));
        assertEquals(12, ring.end());
    }

    @Test
    void smallBufferGetsTheOldestBytesFirst() throws InterruptedException {
        append("abcdef");
        byte[] small = new byte[4];
        ConsoleRing.Chunk chunk = ring.read(0, small, 0);
        assertEquals(new ConsoleRing.Chunk(0, 4, 0), chunk);
        assertEquals("abcd", new String(small, US_ASCII));
    }

    @Test
    void readWithNothingNewWaitsForTheTimeoutThenReturnsNothing() throws InterruptedException {
        append("abc");
        long started = System.nanoTime();

        ConsoleRing.Chunk chunk = ring.read(3, into, 200);

        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(new ConsoleRing.Chunk(3, 0, 0), chunk);
        assertTrue(waitedMillis >= 190, "returned after " + waitedMillis + " ms");
    }

    @Test
    @Timeout(5)
    void waitingReaderWakesForAnAppend() throws InterruptedException {
        Thread writer = new Thread(() -> {
            sleep(100);
            append("x");
        });
        writer.start();

        ConsoleRing.Chunk chunk = ring.read(0, into, 60_000);

        assertEquals("x", text(chunk));
        writer.join();
    }

    @Test
    @Timeout(5)
    void closeWakesAWaitingReaderWithNothing() throws InterruptedException {
        Thread closer = new Thread(() -> {
            sleep(100);
            ring.close();
        });
        closer.start();

        assertEquals(new ConsoleRing.Chunk(0, 0, 0), ring.read(0, into, 60_000));
        closer.join();
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
        Thread writer = new Thread(() -> {
            Random random = new Random(7);
            byte[] chunk = new byte[100_000];
            for (long seq = 0; seq < total; ) {
                int length = (int) Math.min(total - seq, 1 + random.nextInt(random.nextBoolean() ? 100 : chunk.length));
                for (int i = 0; i < length; i++) {
                    chunk[i] = expected(seq + i);
                }
                shared.append(chunk, 0, length);
                seq += length;
            }
        });
        writer.start();

        byte[] buffer = new byte[1 << 20];
        long cursor = 0;
        long received = 0;
        long missed = 0;
        while (cursor < total) {
            ConsoleRing.Chunk chunk = shared.read(cursor, buffer, 1000);
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
        byte[] bytes = text.getBytes(US_ASCII);
        ring.append(bytes, 0, bytes.length);
    }

    private String text(ConsoleRing.Chunk chunk) {
        return new String(into, 0, chunk.count(), US_ASCII);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
