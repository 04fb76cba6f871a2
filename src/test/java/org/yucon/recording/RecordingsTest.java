package org.yucon.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.config.RecordingSettings;
import org.yucon.testing.Await;

/** The recordings on disk: where they go, who sees which, what an id may name, and what the sweep deletes. */
class RecordingsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T04:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path state;
    private Recordings recordings;
    /** Recordings that stopped before their viewer left, as the metrics count them. */
    private final AtomicLong stoppedEarly = new AtomicLong();
    /** Sessions recorded and closed so far. */
    private long sessions;

    @AfterEach
    void close() {
        if (recordings != null) {
            recordings.close();
        }
    }

    private Recordings open(RecordingSettings settings) {
        recordings = new Recordings(state, settings, CLOCK, stoppedEarly::incrementAndGet);
        return recordings;
    }

    /** Records one short session and waits until it is written and closed. */
    private void session(String guest, String account, String shown) {
        Recording r = recordings.start(guest, account, "/10.0.0.7:5555", "ssh channel 0");
        r.window(80, 24);
        r.shown(shown.getBytes(StandardCharsets.UTF_8), shown.length());
        r.end();
        long ended = ++sessions;
        Await.until("the recording of " + guest + " closed", WAIT,
                () -> recordings.list(g -> true).stream().filter(i -> !i.live()).count() == ended,
                () -> recordings.list(g -> true).toString());
    }

    @Test
    void eachGuestsRecordingsArePrivateFilesUnderItsDirectoryListedToThoseWhoMaySeeThem() throws IOException {
        open(RecordingSettings.defaults());
        session("uml1", "alice", "hello-42\r\n");
        session("uml2", "bob", "other\r\n");

        Path file = state.resolve("recordings/uml1/1.cast");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        List<RecordingInfo> mine = recordings.list("uml1"::equals);
        assertEquals(1, mine.size(), mine.toString());
        RecordingInfo one = mine.get(0);
        assertEquals(List.of(1L, "uml1", "alice", "/10.0.0.7:5555", CLOCK.instant(), Files.size(file), false),
                List.of(one.id(), one.guest(), one.account(), one.address(), one.start(), one.bytes(), one.live()));
        assertEquals(List.of(2L, 1L), recordings.list(g -> true).stream().map(RecordingInfo::id).toList(), "newest first");
        assertTrue(new String(recordings.open(one).readAllBytes(), StandardCharsets.UTF_8).contains("hello-42"));
        assertEquals(Files.size(file) + Files.size(state.resolve("recordings/uml2/2.cast")), recordings.diskUse());
    }

    @Test
    void aRecordingThatCannotStartLeavesTheConsoleAloneAndIsCounted() throws IOException {
        Files.writeString(state.resolve("recordings"), "not a directory");
        open(RecordingSettings.defaults());
        assertSame(Recording.OFF, recordings.start("uml1", "alice", "/10.0.0.7:5555", "ssh channel 0"));
        assertEquals(1, stoppedEarly.get());
    }

    @Test
    void anIdIsANumberOfAVisibleGuestAndNamesNothingElse() throws IOException {
        open(RecordingSettings.defaults());
        session("uml1", "alice", "x");
        session("uml2", "bob", "y");
        Files.writeString(state.resolve("recordings/uml1/notes.cast"), "{}");
        Files.createSymbolicLink(state.resolve("recordings/uml1/7.cast"), state.resolve("recordings/uml2/2.cast"));

        assertEquals(1, recordings.find("1", "uml1"::equals).orElseThrow().id());
        assertEquals(1, recordings.find("0001", "uml1"::equals).orElseThrow().id());
        assertFalse(recordings.find("2", "uml1"::equals).isPresent(), "another guest's is as if it did not exist");
        assertFalse(recordings.find("7", "uml1"::equals).isPresent(), "a link is no recording");
        for (String name : List.of("../uml2/2", "uml2/2", "2.cast", "notes", "", "-1", "1e3", "99999999999999999999")) {
            assertFalse(recordings.find(name, g -> true).isPresent(), "'" + name + "' names nothing");
        }
    }

    @Test
    void idsGoOnFromTheLargestFoundAtStart() {
        open(RecordingSettings.defaults());
        session("uml1", "alice", "x");
        session("uml1", "alice", "y");
        recordings.close();
        open(RecordingSettings.defaults());
        sessions = 2;
        session("uml1", "alice", "z");
        assertEquals(List.of(3L, 2L, 1L), recordings.list(g -> true).stream().map(RecordingInfo::id).toList());
    }

    @Test
    void theSweepDeletesTheOldestPastTheTotalSizeButNeverALiveOne() {
        open(new RecordingSettings(true, false, Duration.ofDays(30), 1));
        session("uml1", "alice", "x");
        session("uml1", "alice", "y");
        Recording live = recordings.start("uml1", "alice", "/10.0.0.7:5555", "ssh channel 1");
        live.window(80, 24);
        Await.until("the live recording's header written", WAIT, () -> recordings.list(g -> true).size() == 3,
                () -> recordings.list(g -> true).toString());
        recordings.sweep();
        assertEquals(List.of(3L), recordings.list(g -> true).stream().map(RecordingInfo::id).toList());
        live.end();
    }

    @Test
    void nothingIsRecordedWhenRecordingsAreOff() {
        open(new RecordingSettings(false, false, Duration.ofDays(30), 1 << 30));
        assertSame(Recording.OFF, recordings.start("uml1", "alice", "/10.0.0.7:5555", "ssh channel 0"));
        assertFalse(Files.exists(state.resolve("recordings")));
    }
}
