package org.yucon.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.control.ConsoleRight;
import org.yucon.control.GuestActions;

/**
 * The web page's one handler: every request passes the same gates, in order, before a route sees it. The Host
 * header must name this gateway as configured (DNS rebinding); a request that changes anything must come from this
 * origin exactly (Origin) and, once logged in, carry the session's token (CSRF); every answer has the security
 * headers. Work that may block (hashing, mconsole, the keeper, files) runs on the gateway's pool and answers when
 * done: Jetty's threads never wait for a guest.
 */
final class WebFront extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(WebFront.class);
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** The console page of one guest; its WebSocket is {@link ConsoleSockets#PATH}. */
    private static final Pattern CONSOLE_PAGE = Pattern.compile("/console/([a-z][a-z0-9_-]{0,31})");

    private final WebSessions sessions;
    private final AccountRoutes accounts;
    private final GuestRoutes guests;
    private final RecordingRoutes recordings;
    private final WebContext context;

    WebFront(WebContext context, WebSessions sessions, GuestBoard board) {
        this.sessions = sessions;
        this.accounts = new AccountRoutes(context, sessions);
        this.guests = new GuestRoutes(context, board);
        this.recordings = new RecordingRoutes(context);
        this.context = context;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        secureHeaders(response.getHeaders());
        Exchange ex = new Exchange(request, response, callback);
        try {
            Optional<Reply> refusal = refusal(request);
            if (refusal.isPresent()) {
                ex.send(refusal.get());
            } else {
                route(ex);
            }
        } catch (RuntimeException e) {
            log.warn("web request {} {} failed", request.getMethod(), ex.path(), e);
            ex.send(Reply.text(500, "the gateway could not answer that request"));
        }
        return true;
    }

    /** The Host and Origin gates: the answer to a request refused before any route sees it, if it is. */
    Optional<Reply> refusal(Request request) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null || !context.servesHost(host, Request.getLocalPort(request))) {
            return Optional.of(Reply.text(421, "this gateway does not serve the host name "
                    + (host == null ? "(none)" : "'" + host + "'") + "; see [web] host_names in yucon.toml"));
        }
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("POST")) {
            return Optional.of(Reply.text(405, "only GET and POST are answered here"));
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (method.equals("POST") && (origin == null || !origin.equals("https://" + host))) {
            return Optional.of(Reply.text(403, "a request from another origin (or none) may not change anything here"));
        }
        return Optional.empty();
    }

    private void route(Exchange ex) {
        String path = ex.path();
        boolean post = ex.request().getMethod().equals("POST");
        Optional<WebSession> session = session(ex.request());
        if (path.startsWith("/static/") && !post) {
            ex.send(asset(path.substring("/static/".length())));
        } else if (path.equals("/login")) {
            if (post) {
                ex.form(fields -> accounts.login(ex, fields, session));
            } else {
                ex.send(Reply.html(200, Pages.login("")));
            }
        } else if (session.isEmpty()) {
            if (!post && !path.startsWith("/api/")) {
                ex.redirect("/login");
            } else {
                ex.send(Reply.text(401, "not logged in (or the session expired): log in again"));
            }
        } else if (post) {
            ex.form(fields -> {
                if (!tokenMatches(session.get(), fields.getValue("csrf"))) {
                    ex.send(Reply.text(403, "this request lacks the page's token: reload the page"));
                } else {
                    session.get().used(Instant.now());
                    write(ex, session.get(), path, fields);
                }
            });
        } else {
            read(ex, session.get(), path);
        }
    }

    private void read(Exchange ex, WebSession s, String path) {
        Matcher guest = GuestRoutes.GUEST.matcher(path);
        switch (path) {
            case "/" -> {
                s.used(Instant.now());
                ex.send(Reply.html(200, Pages.main(s)));
            }
            case "/passwords" -> {
                s.used(Instant.now());
                ex.send(Reply.html(200, Pages.passwords(s, "", false)));
            }
            case "/api/state" -> guests.state(ex, s);
            case "/api/events" -> guests.events(ex, s);
            default -> {
                Matcher console = CONSOLE_PAGE.matcher(path);
                if (guest.matches()) {
                    guests.read(ex, s, guest);
                } else if (console.matches() && context.actions(s).visible(console.group(1)).isPresent()) {
                    s.used(Instant.now());
                    // xterm.js sizes its rows with a <style> element it writes: styles only, scripts stay 'self'.
                    ex.response().getHeaders().put("Content-Security-Policy",
                            CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
                    GuestActions actions = context.actions(s);
                    boolean mayWrite = actions.visible(console.group(1)).map(actions::console)
                            .orElse(ConsoleRight.NONE) == ConsoleRight.WRITE;
                    ex.send(Reply.html(200, Pages.console(s, console.group(1), mayWrite)));
                } else if (RecordingRoutes.serves(path)) {
                    recordings.read(ex, s, path);
                } else {
                    ex.send(Reply.text(404, "no such page"));
                }
            }
        }
    }

    private void write(Exchange ex, WebSession s, String path, Fields fields) {
        Matcher guest = GuestRoutes.GUEST.matcher(path);
        switch (path) {
            case "/logout" -> accounts.logout(ex, s);
            case "/passwords" -> accounts.changePassword(ex, s, fields);
            default -> {
                if (guest.matches()) {
                    guests.act(ex, s, guest, fields.getValue("mode"));
                } else {
                    ex.send(Reply.text(404, "no such page"));
                }
            }
        }
    }

    /** The logged-in session whose cookie the request carries, if any. */
    Optional<WebSession> session(Request request) {
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(AccountRoutes.COOKIE)) {
                Optional<WebSession> s = sessions.find(cookie.getValue(), Instant.now());
                if (s.isPresent()) {
                    return s;
                }
            }
        }
        return Optional.empty();
    }

    static boolean tokenMatches(WebSession s, String token) {
        return token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                s.csrf().getBytes(StandardCharsets.UTF_8));
    }

    private static void secureHeaders(HttpFields.Mutable h) {
        h.put("Content-Security-Policy", CSP);
        h.put("Strict-Transport-Security", "max-age=31536000");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on form posts.
        h.put("Referrer-Policy", "same-origin");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Cross-Origin-Resource-Policy", "same-origin");
        h.put(HttpHeader.CACHE_CONTROL, "no-store");
    }

    /** The page's own files, from the class path: a plain name with a known type, nothing else. */
    private static Reply asset(String name) {
        String type = name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : null;
        if (type == null || !name.matches("[a-z0-9-]+\\.[a-z]+")) {
            return Reply.text(404, "no such page");
        }
        try (InputStream in = WebFront.class.getResourceAsStream("/web/" + name)) {
            return in == null ? Reply.text(404, "no such page")
                    : new Reply(200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Reply.text(500, "the page's files cannot be read: " + e.getMessage());
        }
    }
}
