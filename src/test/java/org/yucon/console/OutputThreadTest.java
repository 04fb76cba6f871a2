package org.yucon.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A completion runs on the output thread itself, one deep: one started from inside a completion is refused. */
@Timeout(10)
class OutputThreadTest {
    @Test
    void runsACompletionHereButNotOneStartedInsideIt() throws InterruptedException {
        List<String> ran = new ArrayList<>();
        AtomicBoolean nestedTaken = new AtomicBoolean(true);
        AtomicBoolean outerTaken = new AtomicBoolean();
        OutputThread[] self = new OutputThread[1];
        self[0] = new OutputThread(() -> outerTaken.set(self[0].completeHere(() -> {
            ran.add(Thread.currentThread().getName());
            nestedTaken.set(self[0].completeHere(() -> ran.add("nested")));
        })), "output");
        self[0].start();
        self[0].join();

        assertTrue(outerTaken.get(), "the first completion runs on the output thread");
        assertEquals(List.of("output"), ran);
        assertFalse(nestedTaken.get(), "a completion inside a completion goes elsewhere (the pool)");
    }

    @Test
    void runsTheNextCompletionOnceTheFirstIsDone() throws InterruptedException {
        List<Boolean> taken = new ArrayList<>();
        OutputThread[] self = new OutputThread[1];
        self[0] = new OutputThread(() -> {
            taken.add(self[0].completeHere(() -> { }));
            taken.add(self[0].completeHere(() -> { }));
        }, "output");
        self[0].start();
        self[0].join();

        assertEquals(List.of(true, true), taken);
    }
}
