package org.yucon.web;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.yucon.control.GuestActions;
import org.yucon.recording.RecordingInfo;

/**
 * The console recordings on the page: the list, one recording's player, and its asciicast file. Each asks the login's
 * {@link GuestActions}, which decides as for {@code ssh HOST recordings} and {@code recording ID}: an owner sees the
 * recordings of the guests it drives, a login that only watches a guest does not see its recordings, an admin sees
 * all. A recording the login may not see answers exactly as one that does not exist; an id is a number, nothing else.
 */
final class RecordingRoutes {
    private static final String LIST = "/recordings";
    private static final Pattern PLAYER = Pattern.compile("/recordings/([0-9]{1,18})");
    private static final Pattern CAST = Pattern.compile("/api/recordings/([0-9]{1,18})\\.cast");
    private static final Pattern GUEST = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    /** The player's terminal is WebAssembly compiled from its script's bytes, which a CSP allows only with this. */
    private static final String PLAYER_CSP = WebFront.CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'");

    private final WebContext context;

    RecordingRoutes(WebContext context) {
        this.context = context;
    }

    /** Whether {@code path} is one of the recordings' (a malformed one included, which then answers 404). */
    static boolean serves(String path) {
        return path.equals(LIST) || path.startsWith(LIST + "/") || path.startsWith("/api" + LIST + "/");
    }

    /** GET of a path {@link #serves} accepts. */
    void read(Exchange ex, WebSession s, String path) {
        Matcher player = PLAYER.matcher(path);
        Matcher cast = CAST.matcher(path);
        if (path.equals(LIST)) {
            list(ex, s, ex.query("guest"));
        } else if (player.matches()) {
            player(ex, s, Long.parseLong(player.group(1)));
        } else if (cast.matches()) {
            cast(ex, s, cast.group(1));
        } else {
            ex.send(Reply.text(404, "no such recording: a recording is named by its number, as the list shows it"));
        }
    }

    /** GET /recordings[?guest=NAME]: a guest the login may not see answers as one that does not exist. */
    private void list(Exchange ex, WebSession s, String guest) {
        GuestActions actions = context.actions(s);
        Optional<String> only = Optional.ofNullable(guest).filter(g -> !g.isEmpty());
        if (only.isPresent() && (!GUEST.matcher(only.get()).matches()
                || actions.visible(only.get()).isEmpty() && !actions.access().admin())) {
            ex.send(Reply.text(404, "no such guest among those this login may see"));
            return;
        }
        s.used(Instant.now());
        context.later(ex, () -> Reply.html(200, RecordingPages.list(s, only, actions.recordings(only))));
    }

    /** GET /recordings/ID: the player page, under a CSP that lets the player compile its WebAssembly. */
    private void player(Exchange ex, WebSession s, long id) {
        GuestActions actions = context.actions(s);
        s.used(Instant.now());
        context.later(ex, () -> {
            List<RecordingInfo> all = actions.recordings(Optional.empty());
            Optional<RecordingInfo> found = all.stream().filter(r -> r.id() == id).findFirst();
            if (found.isEmpty()) {
                return noRecording(String.valueOf(id));
            }
            ex.response().getHeaders().put("Content-Security-Policy", PLAYER_CSP);
            return Reply.html(200, RecordingPages.player(s, found.get()));
        });
    }

    /** GET /api/recordings/ID.cast: the file as it is now, to save (the player fetches it too); audited. */
    private void cast(Exchange ex, WebSession s, String id) {
        GuestActions actions = context.actions(s);
        context.answerLater(ex, () -> {
            Optional<RecordingInfo> found = actions.recording(id);
            if (found.isEmpty()) {
                ex.send(noRecording(id));
                return;
            }
            RecordingInfo r = found.get();
            InputStream in = actions.open(r);
            ex.response().setStatus(200);
            ex.response().getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-asciicast");
            ex.response().getHeaders().put(HttpHeader.CONTENT_DISPOSITION,
                    "attachment; filename=\"" + r.guest() + "-" + r.id() + ".cast\"");
            Content.copy(Content.Source.from(in), ex.response(), ex.callback());
        });
    }

    /** The same sentence for a recording that does not exist and one the login may not see. */
    private static Reply noRecording(String id) {
        return Reply.text(404, "no recording " + id + " among those this login may see");
    }
}
