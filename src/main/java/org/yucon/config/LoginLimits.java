package org.yucon.config;

import java.time.Duration;

/**
 * How the gateway defends its logins, from {@code [limits]} in {@code yucon.toml}.
 *
 * @param authAttempts       authentication requests allowed per connection
 * @param loginGrace         time from connection to successful login before the connection is dropped
 * @param failureDelay       how long a failed password waits for its answer (no thread waits with it)
 * @param throttleFailures   failed passwords from one address (IPv6: one /64) that get it refused ...
 * @param throttleWindow     ... within this time, and for the rest of it
 * @param sessionsPerAccount concurrent SSH connections per account
 * @param sessionsTotal      concurrent SSH connections in all
 * @param idleTimeout        a connection with no traffic for this long is closed; zero means never, so that
 *                           somebody watching a quiet console is not cut off
 * @param passwordMaxBytes   a longer password fails unhashed: SHA-512 crypt costs the square of the length, and a
 *                           password as long as an SSH packet (256 KB) would cost a CPU-minute
 * @param passwordThreads    passwords hashed at the same time, each on a thread (and CPU) of its own
 * @param passwordQueue      passwords waiting for a thread; one more fails unhashed, so that a flood costs at most
 *                           {@code passwordThreads} CPUs
 * @param loginFailures      failed passwords of one account, from anywhere, per {@code throttleWindow}: past that
 *                           its passwords are checked only as fast as this budget refills (keys still work)
 * @param startups           bounds on the connections that have not logged in yet
 * @param sessionsPerConnection session channels open at once on one connection (OpenSSH's MaxSessions)
 * @param envEntries         environment requests taken per session channel
 * @param envBytes           bytes of names and values taken from them per session channel
 */
public record LoginLimits(int authAttempts, Duration loginGrace, Duration failureDelay, int throttleFailures,
                          Duration throttleWindow, int sessionsPerAccount, int sessionsTotal, Duration idleTimeout,
                          int passwordMaxBytes, int passwordThreads, int passwordQueue, int loginFailures,
                          Startups startups, int sessionsPerConnection, int envEntries, int envBytes) {

    /**
     * OpenSSH's MaxStartups and PerSourceMaxStartups for connections that have not logged in yet: from {@code start}
     * of them on, a new one is refused with probability {@code rate} percent, rising linearly to 100 at {@code full};
     * one address may have at most {@code perSource} of them.
     */
    public record Startups(int start, int rate, int full, int perSource) {
    }

    public static LoginLimits defaults() {
        return new LoginLimits(6, Duration.ofSeconds(60), Duration.ofSeconds(2), 10, Duration.ofMinutes(10), 20, 1000,
                Duration.ZERO, 1024, 1, 128, 30, new Startups(10, 30, 100, 5), 10, 32, 4096);
    }
}
