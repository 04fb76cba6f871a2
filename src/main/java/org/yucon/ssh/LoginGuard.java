package org.yucon.ssh;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers failed logins per source address: after {@code maxFailures} within {@code window} the address is
 * refused outright until the window has passed, whatever it offers. Entries expire by themselves. Called on
 * MINA's I/O threads; all state is in a concurrent map updated atomically per address.
 */
final class LoginGuard {
    /** The guard's settings. */
    record Limits(int maxFailures, Duration window, Duration failureDelay) {
        static Limits defaults() {
            return new Limits(10, Duration.ofMinutes(10), Duration.ofSeconds(2));
        }
    }

    /** Failures of one address since {@code since}. */
    private record Failures(Instant since, int count) {
    }

    /** Bounds the memory a flood of addresses can take; past it, expired entries are swept first. */
    private static final int MAX_ADDRESSES = 100_000;

    private final Limits limits;
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    LoginGuard(Limits limits) {
        this.limits = limits;
    }

    Limits limits() {
        return limits;
    }

    boolean blocked(String address, Instant now) {
        Failures f = byAddress.get(address);
        return f != null && f.count() >= limits.maxFailures() && now.isBefore(f.since().plus(limits.window()));
    }

    void failed(String address, Instant now) {
        if (byAddress.size() >= MAX_ADDRESSES) {
            byAddress.values().removeIf(f -> !now.isBefore(f.since().plus(limits.window())));
        }
        byAddress.compute(address, (a, f) -> f == null || !now.isBefore(f.since().plus(limits.window()))
                ? new Failures(now, 1) : new Failures(f.since(), f.count() + 1));
    }

    void succeeded(String address) {
        byAddress.remove(address);
    }
}
