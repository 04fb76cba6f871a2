package org.yucon.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One page's live updates, as server-sent events: the page's whole state as one JSON event whenever it changed.
 * Only the latest state waits to be sent (a queue of one), so a slow browser gets fewer, newer updates and never a
 * backlog. Jetty allows one write at a time per response: whoever finds no write under way sends, and the write's
 * completion sends what came meanwhile. Called from the board's thread, the scheduler (keep-alives) and Jetty's.
 */
final class EventStream {
    private static final String KEEP_ALIVE = ": keep-alive\n\n";

    private final Response response;
    private final Callback done;
    private final Runnable onEnd;
    private final AtomicReference<String> waiting = new AtomicReference<>();
    /** Why the stream ends, once it does: sent as its last event. */
    private final AtomicReference<String> endWhy = new AtomicReference<>();
    /** Held by whoever writes; never released once the last write began. */
    private final AtomicBoolean writing = new AtomicBoolean();

    EventStream(Response response, Callback done, Runnable onEnd) {
        this.response = response;
        this.done = done;
        this.onEnd = onEnd;
    }

    /** Sends {@code json} as the state, replacing one not sent yet. */
    void state(String json) {
        waiting.set("event: state\ndata: " + json + "\n\n");
        send();
    }

    /** A comment, so that proxies and Jetty's idle timeout see traffic on a quiet stream. */
    void keepAlive() {
        waiting.compareAndSet(null, KEEP_ALIVE);
        send();
    }

    /** Tells the page why, then closes the stream: the page shows it and does not retry a logout or expiry. */
    void end(String why) {
        endWhy.compareAndSet(null, why);
        send();
    }

    private void send() {
        while (writing.compareAndSet(false, true)) {
            String why = endWhy.get();
            if (why != null) {
                response.write(true, utf8("event: end\ndata: " + why + "\n\n"),
                        Callback.from(this::finished, failure -> finished()));
                return;
            }
            String event = waiting.getAndSet(null);
            if (event != null) {
                response.write(false, utf8(event), Callback.from(() -> {
                    writing.set(false);
                    send();
                }, failure -> finished()));
                return;
            }
            writing.set(false);
            if (waiting.get() == null && endWhy.get() == null) {
                return;
            }
        }
    }

    /** The stream is over (ended, or the browser went): nothing more is written to it. */
    private void finished() {
        onEnd.run();
        done.succeeded();
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
