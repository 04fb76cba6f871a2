package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BootTurnsTest {
    private final List<String> started = new ArrayList<>();
    private final List<List<String>> told = new ArrayList<>();
    private final BootTurns turns = new BootTurns(2, Runnable::run, () -> told.add(turns().waiting()));

    @Test
    void freeTurnsAreTakenAtOnceTheRestWaitInOrder() {
        assertEquals(0, turns.take("a", start("a")));
        assertEquals(0, turns.take("b", start("b")));
        assertEquals(1, turns.take("c", start("c")));
        assertEquals(2, turns.take("d", start("d")));

        turns.end();
        assertEquals(List.of("c"), started, "the first waiting boot has the ended turn");
        turns.end();
        assertEquals(List.of("c", "d"), started);
    }

    @Test
    void anEndedTurnWithNoneWaitingIsFreeAgain() {
        take("a");
        take("b");
        turns.end();

        assertEquals(0, turns.take("c", start("c")));
        assertEquals(1, turns.take("d", start("d")));
        assertTrue(started.isEmpty(), "started by the turns: " + started);
    }

    @Test
    void aWithdrawnBootNeverStarts() {
        take("a");
        take("b");
        Runnable c = take("c");
        take("d");

        assertTrue(turns.withdraw(c));
        assertFalse(turns.withdraw(c), "withdrawn twice");
        turns.end();
        assertEquals(List.of("d"), started);
    }

    @Test
    void theWaitingAreToldInOrderAtEachChange() {
        take("a");
        take("b");
        Runnable c = take("c");
        take("d");
        take("e");
        turns.withdraw(c);
        turns.end();
        turns.end();

        assertEquals(List.of(List.of("c"), List.of("c", "d"), List.of("c", "d", "e"), List.of("d", "e"), List.of("e"),
                List.of()), told);
        assertTrue(turns.waiting().isEmpty());
    }

    @Test
    void aHeldTurnCountsAndEndsLikeATakenOne() {
        turns.hold();
        turns.hold();
        turns.hold();
        assertEquals(1, turns.take("a", start("a")), "three boots hold the two turns and more");
        turns.end();
        assertTrue(started.isEmpty(), "two held turns still going: " + started);
        turns.end();
        assertEquals(List.of("a"), started);
    }

    @Test
    void atLeastOneTurn() {
        assertThrows(IllegalArgumentException.class, () -> new BootTurns(0, Runnable::run, () -> { }));
    }

    private BootTurns turns() {
        return turns;
    }

    /** Takes a turn for a boot of {@code name}; returns its start. */
    private Runnable take(String name) {
        Runnable start = start(name);
        turns.take(name, start);
        return start;
    }

    private Runnable start(String name) {
        return () -> started.add(name);
    }
}
