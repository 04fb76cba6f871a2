package org.yucon.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, polling: tests against real guests and SSH sessions never sleep a
 * fixed time and hope. On timeout the test fails with what was awaited and what was seen instead.
 */
public final class Await {
    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    /**
     * Returns once {@code condition} holds; fails after {@code timeout} with {@code what} and the current
     * {@code seen} (evaluated only then, so it may be expensive, e.g. a screen dump).
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> seen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; seen:\n" + seen.get());
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
    }
}
