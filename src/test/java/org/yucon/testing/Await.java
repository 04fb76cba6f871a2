package org.yucon.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Arrays;
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

    /**
     * Returns once {@code thread} waits (for a notification, a condition or a lock) in {@code method} of
     * {@code type}, the innermost frame of its stack that is not the JDK's: a test that must show that something
     * does not happen, or that a wait is woken, sees the code get there rather than sleep and hope it has. For a
     * thread the test started (an idle pool thread waits too).
     */
    public static void waitingIn(Thread thread, Class<?> type, String method, Duration timeout) {
        until(thread.getName() + " to wait in " + type.getSimpleName() + "." + method, timeout,
                () -> waitsIn(thread, type.getName(), method),
                () -> thread.getState() + " at " + Arrays.toString(thread.getStackTrace()));
    }

    private static boolean waitsIn(Thread thread, String type, String method) {
        Thread.State state = thread.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (!frame.getClassName().startsWith("java.") && !frame.getClassName().startsWith("jdk.")) {
                return frame.getClassName().equals(type) && frame.getMethodName().equals(method);
            }
        }
        return false;
    }
}
