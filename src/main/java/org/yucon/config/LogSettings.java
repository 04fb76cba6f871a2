package org.yucon.config;

import java.time.Duration;

/**
 * How a guest's console log is kept, from {@code [log]} in its file.
 *
 * @param enabled     false: no log file at all (the ring and replay still work)
 * @param rotateBytes the log is rotated when it would grow past this
 * @param keep        rotated logs kept: NAME.log.1 (newest) ... NAME.log.KEEP
 * @param mark        a "-- MARK --" line with the time before output that follows a quiet spell this long; zero: none
 */
public record LogSettings(boolean enabled, long rotateBytes, int keep, Duration mark) {
    public static LogSettings defaults() {
        return new LogSettings(true, 10L << 20, 5, Duration.ZERO);
    }
}
