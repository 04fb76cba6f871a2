package org.yucon.guest.mconsole;

import java.time.Duration;

/**
 * What a guest says about itself over mconsole, for a status line.
 *
 * @param kernelRelease e.g. "7.2.7"
 * @param uptime        time since the guest booted
 * @param load          run queue averages and process counts
 * @param memory        memory as the guest's kernel counts it
 */
public record GuestStats(String kernelRelease, Duration uptime, Load load, Memory memory) {

    /** The contents of {@code /proc/loadavg}: averages over 1, 5 and 15 minutes, runnable and all processes. */
    public record Load(double one, double five, double fifteen, int running, int total) {
    }

    /** Totals from {@code /proc/meminfo}, in KiB. */
    public record Memory(long totalKib, long availableKib) {

        public long usedKib() {
            return totalKib - availableKib;
        }
    }
}
