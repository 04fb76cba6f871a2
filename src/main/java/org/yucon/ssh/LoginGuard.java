package org.yucon.ssh;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.yucon.config.LoginLimits;

/**
 * Remembers failed logins per source address: after {@code throttleFailures} within {@code throttleWindow} the
 * address is refused outright until the window has passed, whatever it offers. Entries expire by themselves.
 * Called on MINA's I/O threads; all state is in a concurrent map updated atomically per address.
 */
final class LoginGuard {

    /** Failures of one address since {@code since}. */
    private record Failures(Instant since, int count) {
    }

    /** Bounds the memory a flood of addresses can take; past it, expired entries are swept first. */
    private static final int MAX_ADDRESSES = 100_000;

    private final LoginLimits limits;
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    LoginGuard(LoginLimits limits) {
        this.limits = limits;
    }

    Duration failureDelay() {
        return limits.failureDelay();
    }

    boolean blocked(String address, Instant now) {
        Failures f = byAddress.get(address);
        return f != null && f.count() >= limits.throttleFailures() && now.isBefore(f.since().plus(limits.throttleWindow()));
    }

    void failed(String address, Instant now) {
        if (byAddress.size() >= MAX_ADDRESSES) {
            byAddress.values().removeIf(f -> !now.isBefore(f.since().plus(limits.throttleWindow())));
        }
        byAddress.compute(address, (a, f) -> f == null || !now.isBefore(f.since().plus(limits.throttleWindow()))
                ? new Failures(now, 1) : new Failures(f.since(), f.count() + 1));
    }

    void succeeded(String address) {
        byAddress.remove(address);
    }
}
