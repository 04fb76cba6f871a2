package org.yucon.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The recording's own logic, with the writer thread run by the test: what is written, and when it gives up. */
class CastRecordingTest {
    private static final Asciicast.Header HEADER = new Asciicast.Header("uml1", "alice", "/10.0.0.7:5555",
            "ssh channel 0", Instant.parse("2026-12-07T04:00:00Z"), 0, 0);

    private final List<Runnable> writerTasks = new ArrayList<>();
    /** What the writer is to run once events have gathered. */
    private final List<Runnable> laterTasks = new ArrayList<>();
    private final ByteArrayOutputStream file = new ByteArrayOutputStream();
    private final AtomicReference<String> stopped = new AtomicReference<>("not closed");

    private CastRecording recording(boolean input, OutputStream out) {
        return new CastRecording(1, HEADER, input, out, writerTasks::add, laterTasks::add, PendingBudget.standard(), (id, why) -> stopped.set(why));
    }

    /** A recording into {@link #file}, without input, under {@code budget}. */
    private CastRecording recording(PendingBudget budget) {
        return new CastRecording(1, HEADER, false, file, writerTasks::add, laterTasks::add, budget, (id, why) -> stopped.set(why));
    }

    private void runWriter() {
        while (!writerTasks.isEmpty() || !laterTasks.isEmpty()) {
            (writerTasks.isEmpty() ? laterTasks : writerTasks).remove(0).run();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> lines() {
        return file.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void theHeaderWaitsForTheWindowSizeThenOutputResizeAndEndFollow() {
        CastRecording r = recording(false, file);
        r.shown(bytes("replay\r\n"), 8);
        runWriter();
        assertEquals("", file.toString(StandardCharsets.UTF_8), "nothing before the size is known");

        r.window(100, 30);
        r.window(100, 30);
        r.shown(bytes("hello-42\r\n\u001b[0m"), 14);
        r.window(120, 40);
        r.end();
        runWriter();

        List<String> lines = lines();
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("{\"version\":2,\"width\":100,\"height\":30,\"timestamp\":1796616000,"), lines.get(0));
        assertTrue(lines.get(0).contains("\"title\":\"uml1: alice@/10.0.0.7:5555, ssh channel 0\""), lines.get(0));
        assertTrue(lines.get(1).matches("\\[[0-9]+\\.[0-9]{6}, \"o\", \"replay\\\\u000d\\\\u000a\"]"), lines.get(1));
        assertTrue(lines.get(2).endsWith(", \"o\", \"hello-42\\u000d\\u000a\\u001b[0m\"]"), lines.get(2));
        assertTrue(lines.get(3).endsWith(", \"r\", \"120x40\"]"), lines.get(3));
        assertNull(stopped.get(), "closed, and not early");
    }

    @Test
    void aLargeBatchGoesToTheFileInPiecesNotOneBufferOfItAll() {
        List<Integer> writes = new ArrayList<>();
        OutputStream counted = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(len);
                file.write(b, off, len);
            }
        };
        CastRecording r = recording(false, counted);
        byte[] piece = bytes("x".repeat(8 * 1024));
        for (int i = 0; i < 40; i++) {
            r.shown(piece, piece.length);
        }
        r.window(80, 24);
        r.end();
        runWriter();

        List<String> lines = lines();
        assertEquals(41, lines.size(), "the header and 40 events");
        assertTrue(lines.stream().skip(1).allMatch(l -> l.endsWith(", \"o\", \"" + "x".repeat(8 * 1024) + "\"]")));
        assertTrue(writes.size() >= 4, "320 KB in pieces: " + writes);
        assertTrue(writes.stream().allMatch(n -> n < 80 * 1024), "no piece much over 64 KB: " + writes);
    }

    @Test
    void keysAreLeftOutUnlessInputIsRecorded() {
        CastRecording off = recording(false, file);
        off.window(80, 24);
        off.typed(bytes("xhunter2x"), 1, 7);
        off.end();
        runWriter();
        assertFalse(file.toString(StandardCharsets.UTF_8).contains("hunter2"), file.toString(StandardCharsets.UTF_8));

        file.reset();
        CastRecording on = recording(true, file);
        on.window(80, 24);
        on.typed(bytes("xhunter2x"), 1, 7);
        on.end();
        runWriter();
        assertTrue(lines().get(1).endsWith(", \"i\", \"hunter2\"]"), lines().toString());
    }

    @Test
    void aCharacterCutBetweenTwoWritesIsWholeInTheText() {
        CastRecording r = recording(false, file);
        r.window(80, 24);
        byte[] euro = bytes("€");
        r.shown(new byte[] {euro[0]}, 1);
        runWriter();
        r.shown(new byte[] {euro[1], euro[2], '!'}, 3);
        r.end();
        runWriter();
        assertEquals("€!", String.join("", lines().stream().skip(1)
                .map(l -> l.replaceAll("^\\[[0-9.]+, \"o\", \"(.*)\"]$", "$1")).toList()));
    }

    @Test
    void outputBeyondTheBoundIsLeftOutAndTheRecordingSaysWhereAndHowMuch() {
        CastRecording r = recording(false, file);
        r.window(80, 24);
        byte[] chunk = new byte[32 * 1024];
        int chunks = (int) (2 * PendingBudget.EACH / chunk.length);
        for (int i = 0; i < chunks; i++) {
            r.shown(chunk, chunk.length);
        }
        runWriter();
        r.shown(bytes("later"), 5);
        r.end();
        runWriter();
        List<String> lines = lines();
        assertEquals(1 + chunks / 2 + 2, lines.size(), "the header, what fitted, the gap's line and what came later");
        assertTrue(lines.get(lines.size() - 2).endsWith(", \"o\", \"\\u000d\\u000a[yucon] " + PendingBudget.EACH
                + " bytes not recorded here: the recording's writer did not keep up\\u000d\\u000a\"]"), lines.get(lines.size() - 2));
        assertTrue(lines.get(lines.size() - 1).endsWith(", \"o\", \"later\"]"), lines.get(lines.size() - 1));
        assertNull(stopped.get(), "closed as the viewer left, not early");
    }

    @Test
    void whatWaitsInAllRecordingsTogetherIsBoundedToo() {
        PendingBudget budget = new PendingBudget(100, 150);
        AtomicReference<String> second = new AtomicReference<>("not closed");
        ByteArrayOutputStream secondFile = new ByteArrayOutputStream();
        CastRecording one = recording(budget);
        CastRecording two = new CastRecording(2, HEADER, false, secondFile, writerTasks::add, laterTasks::add, budget,
                (id, why) -> second.set(why));
        one.window(80, 24);
        two.window(80, 24);
        one.shown(new byte[100], 100);
        two.shown(new byte[60], 60);
        runWriter();
        two.shown(bytes("fits again"), 10);
        one.end();
        two.end();
        runWriter();
        assertNull(stopped.get());
        assertNull(second.get());
        String text = secondFile.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("[yucon] 60 bytes not recorded here") && text.contains("fits again"), text);
    }

    @Test
    void aWindowChangeIsRecordedAlsoWhileOutputIsLeftOut() {
        CastRecording r = recording(new PendingBudget(10, 100));
        r.window(80, 24);
        r.shown(new byte[10], 10);
        r.shown(new byte[5], 5);
        r.window(132, 50);
        r.end();
        runWriter();
        List<String> lines = lines();
        assertTrue(lines.get(lines.size() - 2).contains("[yucon] 5 bytes not recorded here"), lines.toString());
        assertTrue(lines.get(lines.size() - 1).endsWith(", \"r\", \"132x50\"]"), lines.toString());
    }

    @Test
    void aGapAtTheEndIsSaidToo() {
        CastRecording r = recording(new PendingBudget(10, 100));
        r.window(80, 24);
        r.shown(new byte[8], 8);
        r.shown(new byte[8], 8);
        r.end();
        runWriter();
        assertTrue(lines().get(lines().size() - 1).contains("[yucon] 8 bytes not recorded here"), lines().toString());
    }

    @Test
    void aFailedWriteStopsTheRecordingAndClosesTheFile() {
        AtomicReference<Boolean> closed = new AtomicReference<>(false);
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        CastRecording r = recording(false, full);
        r.window(80, 24);
        r.shown(bytes("x"), 1);
        runWriter();
        assertEquals("writing failed: No space left on device", stopped.get());
        assertTrue(closed.get());
        r.shown(bytes("y"), 1);
        r.end();
        assertTrue(writerTasks.isEmpty() && laterTasks.isEmpty(), "nothing more to write once stopped");
    }

    @Test
    void keysAndEchoesGatherForOneLaterWriteButAFullBatchGoesAtOnce() {
        CastRecording r = recording(true, file);
        r.window(80, 24);
        runWriter();
        for (int i = 0; i < 100; i++) {
            r.typed(bytes("k"), 0, 1);
            r.shown(bytes("k"), 1);
        }
        assertEquals(List.of(), writerTasks, "no write at once for a typist");
        assertEquals(1, laterTasks.size(), "one write for them all, later");
        r.shown(new byte[64 * 1024], 64 * 1024);
        assertEquals(1, writerTasks.size(), "a write's worth goes at once");
        r.end();
        runWriter();
        assertEquals(1 + 200 + 1, lines().size());
        assertNull(stopped.get());
    }
}
