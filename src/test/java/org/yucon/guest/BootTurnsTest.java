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
    private final BootTurns turns = new BootTurns(2, Runnable::run);

    @Test
    void freeTurnsAreTakenAtOnceTheRestWaitInOrder() {
        assertEquals(0, turns.take(start("a")));
        assertEquals(0, turns.take(start("b")));
        assertEquals(1, turns.take(start("c")));
        assertEquals(2, turns.take(start("d")));

        turns.end();
        assertEquals(List.of("c"), started, "the first waiting boot has the ended turn");
        turns.end();
        assertEquals(List.of("c", "d"), started);
    }

    @Test
    void anEndedTurnWithNoneWaitingIsFreeAgain() {
        turns.take(start("a"));
        turns.take(start("b"));
        turns.end();

        assertEquals(0, turns.take(start("c")));
        assertEquals(1, turns.take(start("d")));
        assertTrue(started.isEmpty(), "started by the turns: " + started);
    }

    @Test
    void aWithdrawnBootNeverStarts() {
        turns.take(start("a"));
        turns.take(start("b"));
        Runnable c = start("c");
        turns.take(c);
        turns.take(start("d"));

        assertTrue(turns.withdraw(c));
        assertFalse(turns.withdraw(c), "withdrawn twice");
        turns.end();
        assertEquals(List.of("d"), started);
    }

    @Test
    void atLeastOneTurn() {
        assertThrows(IllegalArgumentException.class, () -> new BootTurns(0, Runnable::run));
    }

    private Runnable start(String name) {
        return () -> started.add(name);
    }
}
