package org.yucon.ssh;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import org.yucon.config.LoginLimits;

/**
 * Whether a new connection may come in, decided as sshd decides it. At most {@code sessions_total} connections are
 * open. Of those that have not logged in yet (OpenSSH's "startups") one address may have at most
 * {@code per_source_max_startups}, and from {@code max_startups}' start on a new one is refused with its rate in
 * percent, rising linearly to all of them at its full (random early drop, sshd.c's should_drop_connection). A flood
 * from one address fills its own share and nobody else's; a flood from many meets the early drop, which still lets
 * some others in, and it can never hold more than full connections, so logged-in users keep the rest.
 *
 * <p>Thread-safe: called on MINA's I/O threads as connections come and go, and on whichever thread completes a
 * login. Each call holds the lock for a few map operations.
 */
final class ConnectionAdmission {
    /** What became of a new connection. */
    enum Verdict {
        ADMITTED(""),
        CONNECTIONS("sessions_total"),
        PER_SOURCE("per_source_max_startups"),
        STARTUPS_FULL("max_startups"),
        EARLY_DROP("max_startups early drop");

        /** The setting that refused it. */
        final String setting;

        Verdict(String setting) {
            this.setting = setting;
        }
    }

    private final int maxConnections;
    private final LoginLimits.Startups limits;
    /** A number from 0 to 99 for each early-drop decision. */
    private final IntSupplier percent;
    // Guarded by this.
    private int connections;
    private int startups;
    /** Startups per source (an address, or an IPv6 /64, as {@link LoginGuard#source} says); an address is here only while it has some, so there are at most full entries. */
    private final Map<String, Integer> startupsFrom = new HashMap<>();

    ConnectionAdmission(int maxConnections, LoginLimits.Startups limits, IntSupplier percent) {
        this.maxConnections = maxConnections;
        this.limits = limits;
        this.percent = percent;
    }

    /** Decides on a connection from {@code source}; one admitted counts as open and not logged in from now on. */
    synchronized Verdict admit(String source) {
        Verdict verdict = verdict(source);
        if (verdict == Verdict.ADMITTED) {
            connections++;
            startups++;
            startupsFrom.merge(source, 1, Integer::sum);
        }
        return verdict;
    }

    /** An admitted connection from {@code source} logged in, or closed before it did. */
    synchronized void startupEnded(String source) {
        startups--;
        startupsFrom.computeIfPresent(source, (address, n) -> n == 1 ? null : n - 1);
    }

    /** An admitted connection closed. */
    synchronized void closed() {
        connections--;
    }

    /** Why a connection was refused, in words short enough for an audit line, with the setting that refused it. */
    String reason(Verdict verdict) {
        return switch (verdict) {
            case ADMITTED -> throw new IllegalArgumentException("an admitted connection was not refused");
            case CONNECTIONS -> maxConnections + " connections open";
            case PER_SOURCE -> limits.perSource() + " connections not logged in yet from here";
            case STARTUPS_FULL -> limits.full() + " connections not logged in yet";
            case EARLY_DROP -> "past " + limits.start() + " connections not logged in yet, at random";
        } + " (" + verdict.setting + ")";
    }

    private Verdict verdict(String source) {
        if (connections >= maxConnections) {
            return Verdict.CONNECTIONS;
        }
        if (startupsFrom.getOrDefault(source, 0) >= limits.perSource()) {
            return Verdict.PER_SOURCE;
        }
        if (startups >= limits.full()) {
            return Verdict.STARTUPS_FULL;
        }
        if (startups >= limits.start() && percent.getAsInt() < dropPercent()) {
            return Verdict.EARLY_DROP;
        }
        return Verdict.ADMITTED;
    }

    /** The rate at start, rising linearly to 100 at full (start <= startups < full here). */
    private int dropPercent() {
        return limits.rate() + (100 - limits.rate()) * (startups - limits.start()) / (limits.full() - limits.start());
    }
}
