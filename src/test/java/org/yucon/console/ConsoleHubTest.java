package org.yucon.console;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.yucon.config.ConsoleSettings;
import org.yucon.testing.Await;

/**
 * Write arbitration on a hub without a guest (no port): who writes, the queue of askers, force, give-up and
 * promotion on leave, what each viewer is told and what the event log gets. Everything here happens on the test's
 * thread, which is the thread the hub tells and records on.
 */
class ConsoleHubTest {
    private static final byte[] KEYS = "echo hi\r".getBytes(US_ASCII);

    private final List<String> events = new ArrayList<>();
    private final Map<String, List<RoleChange>> told = new HashMap<>();
    private final List<ConsoleViewer> attached = new ArrayList<>();
    private final ConsoleHub hub = new ConsoleHub("uml1", new ConsoleSettings(64 << 10, 1024, 20, (byte) 0x01),
            (who, event) -> events.add(who + " " + event));

    @AfterEach
    void detachAll() {
        attached.forEach(ConsoleViewer::detach);
    }

    @Test
    void theFirstToAttachWritesAndTheOthersWatch() {
        ConsoleViewer a = attach("a");
        ConsoleViewer b = attach("b");
        ConsoleViewer c = attach("c");

        assertEquals(Role.WRITER, a.role());
        assertEquals(Role.READ_ONLY, b.role());
        assertEquals(Role.READ_ONLY, c.role());
        assertEquals(List.of("a attach writer", "b attach read-only", "c attach read-only"), events);
    }

    @Test
    void readOnlyKeysAreDroppedBeforeTheyReachThePort() throws IOException {
        ConsoleViewer a = attach("a");
        ConsoleViewer b = attach("b");

        assertFalse(b.type(KEYS, 0, KEYS.length), "a read-only viewer's keys must not go on");
        assertTrue(a.type(KEYS, 0, KEYS.length), "the writer's keys go on (to no port here)");
    }

    @Test
    void askersArePromotedInAskingOrderWhenTheWriterLeaves() {
        ConsoleViewer a = attach("a");
        ConsoleViewer b = attach("b");
        ConsoleViewer c = attach("c");
        ConsoleViewer d = attach("d");
        assertEquals(Role.ASKING, c.askWrite());
        assertEquals(Role.ASKING, b.askWrite());

        a.detach();
        assertEquals(Role.WRITER, c.role(), "c asked first");
        assertEquals(Role.ASKING, b.role());
        assertEquals(List.of(new RoleChange(RoleChange.Kind.PROMOTED, "a")), told("c"));

        c.detach();
        assertEquals(Role.WRITER, b.role());
        assertEquals(List.of(new RoleChange(RoleChange.Kind.PROMOTED, "c")), told("b"));
        assertEquals(List.of(), told("d"), "d never asked and was never concerned");
        assertTrue(events.containsAll(List.of("a detach", "c promoted after a", "c detach", "b promoted after c")), events::toString);
    }

    @Test
    void askingWhenNobodyWritesGrantsWriteAtOnce() {
        ConsoleViewer a = attach("a");
        ConsoleViewer b = attach("b");
        a.giveUpWrite();

        assertEquals(Role.READ_ONLY, a.role());
        assertEquals(List.of(new RoleChange(RoleChange.Kind.VACANT, "a")), told("b"));
        assertEquals(Role.WRITER, b.askWrite());
        assertEquals(Role.WRITER, b.askWrite(), "asking again changes nothing");
    }

    @Test
    void forceDemotesTheWriterAndTellsItByWhom() throws IOException {
        ConsoleViewer a = attach("a");
        ConsoleViewer b = attach("b");

        assertEquals(Role.WRITER, b.forceWrite());

        assertEquals(Role.READ_ONLY, a.role());
        assertEquals(List.of(new RoleChange(RoleChange.Kind.DEMOTED, "b")), told("a"));
        assertFalse(a.type(KEYS, 0, KEYS.length), "the demoted writer's keys are dropped");
        assertTrue(b.type(KEYS, 0, KEYS.length));
        assertTrue(events.contains("b force write from a"), events::toString);
    }

    @Test
    void forcingTakesTheForcerOutOfTheQueue() {
        ConsoleViewer a = attach("a");
        ConsoleViewer b = attach("b");
        ConsoleViewer c = attach("c");
        b.askWrite();
        c.askWrite();
        b.forceWrite();

        b.detach();
        assertEquals(Role.WRITER, c.role(), "c was the only one still asking");
        assertEquals(Role.READ_ONLY, a.role(), "the demoted writer did not ask");
    }

    @Test
    void givingUpHandsWriteToTheFirstAsker() {
        ConsoleViewer a = attach("a");
        ConsoleViewer b = attach("b");
        b.askWrite();

        a.giveUpWrite();

        assertEquals(Role.WRITER, b.role());
        assertEquals(Role.READ_ONLY, a.role());
        assertEquals(List.of(new RoleChange(RoleChange.Kind.PROMOTED, "a")), told("b"));
        assertTrue(events.containsAll(List.of("a give up write", "b promoted after a")), events::toString);
    }

    @Test
    void givingUpWhileAskingWithdrawsTheAsk() {
        ConsoleViewer a = attach("a");
        ConsoleViewer b = attach("b");
        b.askWrite();
        b.giveUpWrite();

        a.detach();
        assertEquals(Role.READ_ONLY, b.role());
        assertEquals(List.of(new RoleChange(RoleChange.Kind.VACANT, "a")), told("b"));
    }

    @Test
    void aReadOnlyViewerLeavingChangesNobodysRole() {
        ConsoleViewer a = attach("a");
        ConsoleViewer b = attach("b");
        b.askWrite();
        b.detach();

        a.detach();
        assertEquals(List.of(), told("b"), "b left before and must not be promoted or told");
        assertEquals(List.of(), hub.who());
    }

    @Test
    void aViewerThatMayNotWriteNeverWrites() {
        ConsoleViewer watcher = track(hub.attach("w", new NullSink(), false, change -> told("w").add(change)));
        ConsoleViewer a = attach("a");

        assertEquals(Role.WRITER, a.role(), "the first viewer that may write, writes");
        assertEquals(Role.READ_ONLY, watcher.askWrite());
        assertEquals(Role.READ_ONLY, watcher.forceWrite());
        assertEquals(Role.WRITER, a.role());
    }

    @Test
    void aWriterThatLosesTheRightToWriteStopsAtOnceAndWriteGoesToTheFirstAsker() throws IOException {
        ConsoleViewer a = attach("a");
        ConsoleViewer b = attach("b");
        ConsoleViewer c = attach("c");
        c.askWrite();

        a.permitWrite(false);

        assertFalse(a.type(KEYS, 0, KEYS.length), "its keys are dropped from now on");
        assertEquals(Role.READ_ONLY, a.role());
        assertEquals(Role.WRITER, c.role());
        assertEquals(List.of(new RoleChange(RoleChange.Kind.PROMOTED, "a")), told("c"));
        assertEquals(List.of(), told("a"), "its own session tells it, not the hub");
        assertEquals(Role.READ_ONLY, a.askWrite(), "it may not ask");
        assertEquals(Role.READ_ONLY, a.forceWrite(), "nor force");
        assertEquals(List.of(), told("b"));
        assertTrue(events.containsAll(List.of("a write revoked", "c promoted after a")), events::toString);
    }

    @Test
    void anAskerThatLosesTheRightToWriteStopsAskingAndMayForceOnceGrantedAgain() {
        ConsoleViewer a = attach("a");
        ConsoleViewer b = attach("b");
        assertEquals(Role.ASKING, b.askWrite());

        b.permitWrite(false);
        assertEquals(Role.READ_ONLY, b.role(), "it no longer asks");
        b.permitWrite(true);
        assertEquals(Role.READ_ONLY, b.role(), "a grant alone does not make it ask");
        assertEquals(Role.WRITER, b.forceWrite());
        assertEquals(List.of(new RoleChange(RoleChange.Kind.DEMOTED, "b")), told("a"));
    }

    @Test
    void whoListsEveryViewerInAttachOrderWithItsRole() {
        ConsoleViewer a = attach("a");
        ConsoleViewer b = attach("b");
        ConsoleViewer c = attach("c");
        c.askWrite();

        assertEquals(List.of(new ConsoleHub.Attendee(a, Role.WRITER), new ConsoleHub.Attendee(b, Role.READ_ONLY),
                new ConsoleHub.Attendee(c, Role.ASKING)), hub.who());
        assertFalse(a.since().isAfter(b.since()));
    }

    @Test
    void detachingTwiceLeavesOnce() {
        ConsoleViewer a = attach("a");
        a.detach();
        a.detach();
        assertEquals(List.of("a attach writer", "a detach"), events);
    }

    /**
     * busybox asked for the cursor position at its prompt, then the guest went back to login: a viewer attaching
     * later must not get the question (its terminal would type the answer into the login), while one attached
     * when the guest asks gets it as it is. A query the replay ends in the middle of is the guest asking now.
     */
    @Test
    void theReplayLeavesOutTerminalQueriesAndLiveOutputKeepsThem() {
        append("uml1:/root# \u001b[6nexit\r\n\r\numl1 login: \u001b[");
        Recording late = new Recording();
        track(hub.attach("late", late, true, change -> { }));
        assertEquals("uml1:/root# exit\r\n\r\numl1 login: \u001b[", late.text(), "the replay, before the attach returns");

        append("6nroot\r\n\u001b[6n");
        Await.until("the live query", Duration.ofSeconds(5), () -> late.text().endsWith("root\r\n\u001b[6n"), late::text);
        assertEquals("uml1:/root# exit\r\n\r\numl1 login: \u001b[6nroot\r\n\u001b[6n", late.text());
    }

    @Test
    void heldOutputIsWhatTheRingHolds() {
        hub.announce("one");
        assertEquals("\r\n[yucon] one\r\n", new String(hub.heldOutput(), US_ASCII));
    }

    private ConsoleViewer attach(String who) {
        return track(hub.attach(who, new NullSink(), true, change -> told(who).add(change)));
    }

    private ConsoleViewer track(ConsoleViewer viewer) {
        attached.add(viewer);
        return viewer;
    }

    private List<RoleChange> told(String who) {
        return told.computeIfAbsent(who, w -> new ArrayList<>());
    }

    private void append(String output) {
        byte[] bytes = output.getBytes(US_ASCII);
        hub.append(bytes, bytes.length);
    }

    /** Keeps what it is sent, from the attaching thread and the pump. */
    private static final class Recording implements ConsoleSink {
        private final StringBuilder got = new StringBuilder();

        @Override
        public synchronized void output(byte[] bytes, int length) {
            got.append(new String(bytes, 0, length, US_ASCII));
        }

        @Override
        public void missed(long bytes) {
        }

        synchronized String text() {
            return got.toString();
        }
    }

    /** Output goes nowhere: these tests are about roles, not bytes. */
    private static final class NullSink implements ConsoleSink {
        @Override
        public void output(byte[] bytes, int length) {
        }

        @Override
        public void missed(long bytes) {
        }
    }
}
