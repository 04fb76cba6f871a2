package org.yucon.web;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The open page sessions, by cookie id: made at each login (a new id, never one the browser brought), found by the
 * cookie, ended at logout or after {@code idle_timeout} without use. Bounded as SSH connections are: at most
 * {@code sessions_per_account} per account and {@code sessions_total} in all; past them the oldest idle session of
 * that account (or of all) gives way, so a person who forgot to log out elsewhere can still log in. Ids and tokens
 * are 256 random bits. Used by Jetty's threads and the sweeping scheduler; the map is concurrent.
 */
final class WebSessions {
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentMap<String, WebSession> byId = new ConcurrentHashMap<>();
    private final Duration idleTimeout;
    private final int perAccount;
    private final int total;

    WebSessions(Duration idleTimeout, int perAccount, int total) {
        this.idleTimeout = idleTimeout;
        this.perAccount = perAccount;
        this.total = total;
    }

    synchronized WebSession open(String login, String from, Instant now) {
        sweep(now);
        while (byId.values().stream().filter(s -> s.login().equals(login)).count() >= perAccount) {
            endOldest(Optional.of(login));
        }
        while (byId.size() >= total) {
            endOldest(Optional.empty());
        }
        WebSession session = new WebSession(token(), token(), login, from, now);
        byId.put(session.id(), session);
        return session;
    }

    /** The live session of this cookie id, if any; an expired one is ended on the way. */
    Optional<WebSession> find(String id, Instant now) {
        WebSession session = byId.get(id);
        if (session == null) {
            return Optional.empty();
        }
        if (expired(session, now)) {
            end(session, "expired");
            return Optional.empty();
        }
        return Optional.of(session);
    }

    void end(WebSession session, String why) {
        if (byId.remove(session.id(), session)) {
            session.end(why);
        }
    }

    /** Ends the sessions idle for longer than the timeout; run every minute. */
    void sweep(Instant now) {
        byId.values().stream().filter(s -> expired(s, now)).toList().forEach(s -> end(s, "expired"));
    }

    int count() {
        return byId.size();
    }

    private boolean expired(WebSession session, Instant now) {
        return !now.isBefore(session.lastUsed().plus(idleTimeout));
    }

    private void endOldest(Optional<String> login) {
        byId.values().stream().filter(s -> login.isEmpty() || s.login().equals(login.get()))
                .min((a, b) -> a.lastUsed().compareTo(b.lastUsed()))
                .ifPresent(s -> end(s, "replaced by a newer login"));
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
