package org.yucon.config;

import java.time.Duration;

/**
 * How console sessions are recorded, from {@code [recording]} in {@code etc/yucon.toml}.
 *
 * @param enabled  false: no recordings at all
 * @param input    also record what the viewer typed ({@code i} events); off by default, since people type passwords
 * @param keep     recordings older than this are deleted
 * @param maxTotal the oldest recordings are deleted while all of them together are larger than this
 */
public record RecordingSettings(boolean enabled, boolean input, Duration keep, long maxTotal) {
    public static RecordingSettings defaults() {
        return new RecordingSettings(true, false, Duration.ofDays(30), 1L << 30);
    }
}
