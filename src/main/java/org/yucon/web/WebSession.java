package org.yucon.web;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Optional;
import java.util.function.Supplier;
import org.yucon.control.ProcessWatch;

/**
 * One login in a browser: its cookie's id, the token every state-changing request must carry, and when it was last
 * used by a person (automatic requests, the live updates and a live processes view, do not count). Its event streams
 * are ended with it. Touched by Jetty's threads; all mutable state is in concurrent holders.
 */
final class WebSession {
    private final String id;
    private final String csrf;
    private final String login;
    private final String from;
    private final AtomicReference<Instant> lastUsed;
    /** The page's live update streams, ended when the session is. */
    private final Map<EventStream, Boolean> streams = new ConcurrentHashMap<>();
    /** CPU% of a guest's processes is over the time since this session last looked; one watch per guest looked at. */
    private final Map<String, ProcessWatch> watches = new ConcurrentHashMap<>();

    WebSession(String id, String csrf, String login, String from, Instant now) {
        this.id = id;
        this.csrf = csrf;
        this.login = login;
        this.from = from;
        this.lastUsed = new AtomicReference<>(now);
    }

    String id() {
        return id;
    }

    String csrf() {
        return csrf;
    }

    String login() {
        return login;
    }

    String from() {
        return from;
    }

    Instant lastUsed() {
        return lastUsed.get();
    }

    void used(Instant now) {
        lastUsed.set(now);
    }

    void add(EventStream stream) {
        streams.put(stream, Boolean.TRUE);
    }

    void remove(EventStream stream) {
        streams.remove(stream);
    }

    Iterable<EventStream> streams() {
        return streams.keySet();
    }

    /** This session's watch of {@code guest}'s processes, made by {@code make} (empty: not allowed) the first time. */
    Optional<ProcessWatch> watch(String guest, Supplier<Optional<ProcessWatch>> make) {
        ProcessWatch known = watches.get(guest);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<ProcessWatch> made = make.get();
        made.ifPresent(w -> watches.putIfAbsent(guest, w));
        return made.map(w -> watches.get(guest));
    }

    /** Ends the session's streams: it is over. */
    void end(String why) {
        streams.keySet().forEach(stream -> stream.end(why));
        streams.clear();
    }
}
