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
        OutputThread output = new OutputThread(() -> outerTaken.set(self().completeHere(() -> {
            ran.add(Thread.currentThread().getName());
            nestedTaken.set(self().completeHere(() -> ran.add("nested")));
        })), "output");
        output.start();
        output.join();

        assertTrue(outerTaken.get(), "the first completion runs on the output thread");
        assertEquals(List.of("output"), ran);
        assertFalse(nestedTaken.get(), "a completion inside a completion goes elsewhere (the pool)");
    }

    @Test
    void runsTheNextCompletionOnceTheFirstIsDone() throws InterruptedException {
        List<Boolean> taken = new ArrayList<>();
        OutputThread output = new OutputThread(() -> {
            taken.add(self().completeHere(() -> { }));
            taken.add(self().completeHere(() -> { }));
        }, "output");
        output.start();
        output.join();

        assertEquals(List.of(true, true), taken);
    }

    /** completeHere is called by the output thread itself. */
    private static OutputThread self() {
        return (OutputThread) Thread.currentThread();
    }
}
