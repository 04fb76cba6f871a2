package org.yucon.config;

import java.time.Duration;

/**
 * Whether a guest that stopped by itself is booted again, and the spin guard: after {@code max} restarts within
 * {@code window} it stays down.
 */
public record RestartPolicy(When when, int max, Duration window) {
    public enum When {
        NEVER, ON_CRASH, ALWAYS
    }

    public static RestartPolicy never() {
        return new RestartPolicy(When.NEVER, 3, Duration.ofMinutes(1));
    }

    /** True if a guest that ended this way (without anybody asking) should boot again. */
    public boolean wants(boolean crashed) {
        return when == When.ALWAYS || (crashed && when == When.ON_CRASH);
    }
}
