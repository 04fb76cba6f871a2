package org.yucon.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.auth.LoginGuard;
import org.yucon.auth.PasswordCheck;
import org.yucon.config.AccountBook;
import org.yucon.config.AccountConfig;
import org.yucon.config.AccountFile;
import org.yucon.config.ConfigException;
import org.yucon.guest.CpuSampler;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Guests;
import org.yucon.guest.HostProcesses;
import org.yucon.guest.Outcome;
import org.yucon.ssh.Access;
import org.yucon.ssh.AuditLog;

/**
 * The web page's one handler: every request passes the same gates, in order, before its route runs. The Host
 * header must name this gateway as configured (DNS rebinding); a request that changes anything must come from this
 * origin exactly (Origin) and, once logged in, carry the session's token (CSRF); every answer has the security
 * headers. Routes that touch a guest ask {@link Access} at each request, and a guest the login may not see answers
 * as one that does not exist. Work that may block (hashing, mconsole, the keeper) runs on the gateway's pool, and
 * the answer is written when it is done; Jetty's threads never wait for a guest.
 */
final class WebFront extends Handler.Abstract {
    static final String COOKIE = "__Host-yucon";
    private static final Logger log = LoggerFactory.getLogger(WebFront.class);
    private static final Pattern GUEST_ROUTE = Pattern.compile("/api/guests/([a-z][a-z0-9_-]{0,31})/([a-z.]+)");
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final int FORM_MAX_FIELDS = 8;
    private static final int FORM_MAX_BYTES = 16 << 10;

    /** What a route answers with: a status and a body, or nothing when it answers on its own. */
    private record Reply(int status, String type, String body) {
        static Reply text(int status, String sentence) {
            return new Reply(status, "text/plain; charset=utf-8", sentence + "\n");
        }

        static Reply html(int status, String html) {
            return new Reply(status, "text/html; charset=utf-8", html);
        }

        static Reply json(Object value) {
            return new Reply(200, "application/json", Json.of(value));
        }
    }

    private final WebContext context;
    private final WebSessions sessions;
    private final GuestBoard board;

    WebFront(WebContext context, WebSessions sessions, GuestBoard board) {
        this.context = context;
        this.sessions = sessions;
        this.board = board;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        secureHeaders(response);
        try {
            Optional<String> refusal = refusal(request);
            if (refusal.isPresent()) {
                int status = refusal.get().startsWith("this gateway") ? 421 : 403;
                send(response, callback, Reply.text(status, refusal.get()));
                return true;
            }
            route(request, response, callback);
        } catch (RuntimeException e) {
            log.warn("web request {} {} failed", request.getMethod(), Request.getPathInContext(request), e);
            send(response, callback, Reply.text(500, "the gateway could not answer that request"));
        }
        return true;
    }

    /** The Host and Origin gates: why this request is refused before any route sees it, if it is. */
    private Optional<String> refusal(Request request) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null || !context.servesHost(host, Request.getLocalPort(request))) {
            return Optional.of("this gateway does not serve the host name " + (host == null ? "(none)" : "'" + host + "'")
                    + "; see [web] host_names in yucon.toml");
        }
        if (!isSafe(request.getMethod())) {
            String origin = request.getHeaders().get(HttpHeader.ORIGIN);
            if (origin == null || !origin.equals("https://" + host)) {
                return Optional.of("a request from another origin (or none) may not change anything here");
            }
        }
        return Optional.empty();
    }

    private void route(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (!get && !method.equals("POST")) {
            send(response, callback, Reply.text(405, "only GET and POST are answered here"));
            return;
        }
        if (path.startsWith("/static/") && get) {
            send(response, callback, asset(path.substring("/static/".length())));
            return;
        }
        if (path.equals("/login")) {
            if (get) {
                send(response, callback, Reply.html(200, Pages.login("")));
            } else {
                form(request, response, callback, fields -> login(request, response, callback, fields));
            }
            return;
        }
        Optional<WebSession> session = session(request);
        if (session.isEmpty()) {
            if (get && !path.startsWith("/api/")) {
                Response.sendRedirect(request, response, callback, 303, "/login", true);
            } else {
                send(response, callback, Reply.text(401, "not logged in (or the session expired): log in again"));
            }
            return;
        }
        WebSession s = session.get();
        if (get) {
            readRoute(request, response, callback, s, path);
        } else {
            form(request, response, callback, fields -> {
                if (!tokenMatches(s, fields.getValue("csrf"), request.getHeaders().get("X-CSRF-Token"))) {
                    context.audit(s, "refused:csrf", path, "");
                    send(response, callback, Reply.text(403, "this request lacks the page's token: reload the page"));
                } else {
                    s.used(Instant.now());
                    writeRoute(request, response, callback, s, path, fields);
                }
            });
        }
    }

    private void readRoute(Request request, Response response, Callback callback, WebSession s, String path) {
        Access access = context.access(s);
        Matcher guestRoute = GUEST_ROUTE.matcher(path);
        switch (path) {
            case "/" -> {
                s.used(Instant.now());
                send(response, callback, Reply.html(200, Pages.main(s)));
            }
            case "/passwords" -> {
                s.used(Instant.now());
                send(response, callback, Reply.html(200, Pages.passwords(s, "", false)));
            }
            case "/api/state" -> onPool(response, callback, () -> new Reply(200, "application/json", board.stateNow(access)));
            case "/api/events" -> events(response, callback, s, access);
            default -> {
                if (!guestRoute.matches()) {
                    send(response, callback, Reply.text(404, "no such page"));
                    return;
                }
                Optional<GuestSupervisor> guest = context.visible(access, guestRoute.group(1));
                if (guest.isEmpty()) {
                    send(response, callback, Reply.text(404, "no guest named '" + guestRoute.group(1) + "'"));
                    return;
                }
                guestRead(request, response, callback, s, guest.get(), guestRoute.group(2));
            }
        }
    }

    private void guestRead(Request request, Response response, Callback callback, WebSession s, GuestSupervisor guest,
                           String what) {
        switch (what) {
            case "processes" -> onPool(response, callback, () -> Reply.json(processes(s, guest)));
            case "log" -> {
                s.used(Instant.now());
                long before = number(Request.extractQueryParameters(request).getValue("before"));
                onPool(response, callback, () -> Reply.json(LogPage.read(context.logFile(guest), before).json()));
            }
            case "log.txt" -> {
                s.used(Instant.now());
                download(response, callback, guest);
            }
            default -> send(response, callback, Reply.text(404, "no such page"));
        }
    }

    private void writeRoute(Request request, Response response, Callback callback, WebSession s, String path,
                            Fields fields) {
        switch (path) {
            case "/logout" -> {
                sessions.end(s, "logged out");
                context.audit(s, "logout", "", "ok");
                Response.addCookie(response, cookie("", 0));
                Response.sendRedirect(request, response, callback, 303, "/login", true);
            }
            case "/passwords" -> changePassword(request, response, callback, s, fields);
            default -> {
                Matcher m = GUEST_ROUTE.matcher(path);
                if (!m.matches()) {
                    send(response, callback, Reply.text(404, "no such page"));
                    return;
                }
                act(response, callback, s, m.group(1), m.group(2), fields.getValue("mode"));
            }
        }
    }

    /** Boot, reboot or shutdown (graceful or hard), if the login may drive the guest now. */
    private void act(Response response, Callback callback, WebSession s, String name, String action, String mode) {
        Access access = context.access(s);
        Optional<GuestSupervisor> guest = context.visible(access, name);
        if (guest.isEmpty()) {
            send(response, callback, Reply.text(404, "no guest named '" + name + "'"));
            return;
        }
        boolean hard = "hard".equals(mode);
        if (!List.of("boot", "reboot", "shutdown").contains(action) || (mode != null && !hard && !mode.equals("graceful"))) {
            send(response, callback, Reply.text(400, "the actions are boot, reboot and shutdown, each graceful or hard"));
            return;
        }
        if (!access.drives(guest.get())) {
            context.audit(s, action, name, "refused:read-only");
            send(response, callback, Reply.text(403, "this login only watches " + name + ": it may not " + action + " it"));
            return;
        }
        GuestSupervisor g = guest.get();
        onPool(response, callback, () -> {
            Outcome outcome = switch (action) {
                case "boot" -> g.boot();
                case "reboot" -> g.reboot(hard);
                default -> g.shutdown(hard);
            };
            context.audit(s, hard ? action + "-hard" : action, name, outcome.ok() ? "ok" : "refused:" + outcome.message());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("ok", outcome.ok());
            json.put("message", outcome.message());
            return new Reply(outcome.ok() ? 200 : 409, "application/json", Json.of(json));
        });
    }

    private Map<String, Object> processes(WebSession s, GuestSupervisor guest) {
        CpuSampler sampler = s.sampler(guest.name());
        List<CpuSampler.Row> rows;
        synchronized (sampler) {
            rows = sampler.sample(HostProcesses.uml(guest.status().pid()), System.nanoTime());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("guest", guest.name());
        json.put("state", guest.status().state().label());
        json.put("processes", rows.stream().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("pid", r.process().pid());
            row.put("state", String.valueOf(r.process().state()));
            row.put("cpu", Math.round(r.cpuPercent() * 10) / 10.0);
            row.put("rssKib", r.process().rssKib());
            row.put("command", org.yucon.util.Printable.of(r.process().command(), 200));
            return row;
        }).toList());
        return json;
    }

    private void login(Request request, Response response, Callback callback, Fields fields) {
        String login = fields.getValue("login");
        String password = fields.getValue("password");
        if (login == null || password == null) {
            send(response, callback, Reply.text(400, "a login needs the fields login and password"));
            return;
        }
        SocketAddress client = request.getConnectionMetaData().getRemoteSocketAddress();
        String from = String.valueOf(client);
        PasswordCheck.Attempt attempt = new PasswordCheck.Attempt(AuditLog.Channel.WEB, login, from,
                LoginGuard.source(client), () -> true);
        context.passwords().check(attempt, password, account -> {
            if (account.isEmpty()) {
                send(response, callback, Reply.html(401, Pages.login("Wrong login or password.")));
                return;
            }
            // A new id at every login: a session the browser brought (perhaps planted) ends here.
            session(request).ifPresent(old -> sessions.end(old, "replaced by a new login"));
            WebSession session = sessions.open(account.get().name(), from, Instant.now());
            context.audit(session, "login", "", "ok");
            Response.addCookie(response, cookie(session.id(), -1));
            Response.sendRedirect(request, response, callback, 303, "/", true);
        });
    }

    /** The current password checked as a login's (throttled, timed alike), then the new one written. */
    private void changePassword(Request request, Response response, Callback callback, WebSession s, Fields fields) {
        String current = fields.getValue("current");
        String fresh = fields.getValue("new");
        String again = fields.getValue("again");
        if (current == null || fresh == null || again == null) {
            send(response, callback, Reply.text(400, "a password change needs the fields current, new and again"));
            return;
        }
        if (fresh.isEmpty() || !fresh.equals(again)) {
            send(response, callback, Reply.html(400, Pages.passwords(s, "The new passwords differ or are empty; nothing changed.", true)));
            return;
        }
        if (fresh.getBytes(StandardCharsets.UTF_8).length > context.passwordMaxBytes()) {
            send(response, callback, Reply.html(400, Pages.passwords(s, "The new password is longer than "
                    + context.passwordMaxBytes() + " bytes; nothing changed.", true)));
            return;
        }
        SocketAddress client = request.getConnectionMetaData().getRemoteSocketAddress();
        PasswordCheck.Attempt attempt = new PasswordCheck.Attempt(AuditLog.Channel.WEB, s.login(), String.valueOf(client),
                LoginGuard.source(client), () -> true);
        context.passwords().check(attempt, current, account -> {
            if (account.isEmpty()) {
                context.audit(s, "passwd", "", "refused:wrong-current-password");
                send(response, callback, Reply.html(403, Pages.passwords(s, "The current password is wrong; nothing changed.", true)));
                return;
            }
            String result = writePassword(s.login(), fresh);
            context.audit(s, "passwd", "", result.isEmpty() ? "ok" : "failed");
            send(response, callback, result.isEmpty()
                    ? Reply.html(200, Pages.passwords(s, "Password changed.", false))
                    : Reply.html(500, Pages.passwords(s, result, true)));
        });
    }

    /** Through the same code as {@code yucon account passwd}; empty when done, else why not. */
    private String writePassword(String login, String password) {
        try {
            AccountFile.changePassword(context.etc(), login,
                    Sha2Crypt.sha512Crypt(password.getBytes(StandardCharsets.UTF_8)));
            // Read at once, not at the next look: the very next SSH login takes the new password.
            context.accounts().look();
            return "";
        } catch (IOException | ConfigException e) {
            log.warn("the password of {} was not changed: {}", login, e.getMessage());
            return "The password was not changed: the account file could not be written.";
        }
    }

    private void events(Response response, Callback callback, WebSession s, Access access) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        EventStream[] stream = new EventStream[1];
        Runnable[] close = new Runnable[1];
        stream[0] = new EventStream(response, callback, () -> {
            s.remove(stream[0]);
            if (close[0] != null) {
                close[0].run();
            }
        });
        s.add(stream[0]);
        close[0] = board.open(access, stream[0]);
    }

    private void download(Response response, Callback callback, GuestSupervisor guest) {
        Path file = context.logFile(guest);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + guest.name() + ".log\"");
        if (Files.exists(file)) {
            Content.copy(Content.Source.from(file), response, callback);
        } else {
            Content.Sink.write(response, true, "", callback);
        }
    }

    /** Reads the form (bounded in fields and bytes), then runs {@code then}; a malformed one gets a 400. */
    private void form(Request request, Response response, Callback callback, java.util.function.Consumer<Fields> then) {
        // BLOCKING: what follows may hash a password or take a lock, so Jetty runs it on a thread that may block.
        FormFields.onFields(request, StandardCharsets.UTF_8, FORM_MAX_FIELDS, FORM_MAX_BYTES,
                Promise.Invocable.from(Invocable.InvocationType.BLOCKING, (fields, failure) -> {
            if (failure != null) {
                send(response, callback, Reply.text(400, "the request's form could not be read (too large, or not a form)"));
                return;
            }
            try {
                then.accept(fields);
            } catch (RuntimeException e) {
                log.warn("web form {} failed", Request.getPathInContext(request), e);
                send(response, callback, Reply.text(500, "the gateway could not answer that request"));
            }
        }));
    }

    private Optional<WebSession> session(Request request) {
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(COOKIE)) {
                Optional<WebSession> s = sessions.find(cookie.getValue(), Instant.now());
                if (s.isPresent()) {
                    return s;
                }
            }
        }
        return Optional.empty();
    }

    private static boolean tokenMatches(WebSession s, String field, String header) {
        String token = field != null ? field : header;
        return token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                s.csrf().getBytes(StandardCharsets.UTF_8));
    }

    /** The session cookie: HttpOnly, Secure, SameSite=Strict, the whole site, {@code __Host-} so no domain may set it. */
    private static HttpCookie cookie(String value, long maxAge) {
        HttpCookie.Builder b = HttpCookie.build(COOKIE, value).path("/").httpOnly(true).secure(true)
                .sameSite(HttpCookie.SameSite.STRICT);
        return (maxAge >= 0 ? b.maxAge(maxAge) : b).build();
    }

    private static void secureHeaders(Response response) {
        var h = response.getHeaders();
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

    private void onPool(Response response, Callback callback, ReplyWork work) {
        onPoolRaw(callback, () -> {
            try {
                send(response, callback, work.get());
            } catch (IOException e) {
                send(response, callback, Reply.text(500, "the gateway could not read that: " + e.getMessage()));
            }
        });
    }

    /** Work that may block, on the gateway's pool; refused when the gateway is closing. */
    private void onPoolRaw(Callback callback, IoWork work) {
        try {
            context.pool().execute(() -> {
                try {
                    work.run();
                } catch (IOException | RuntimeException e) {
                    log.warn("web work failed", e);
                    callback.failed(e);
                }
            });
        } catch (RejectedExecutionException e) {
            callback.failed(e);
        }
    }

    private interface IoWork {
        void run() throws IOException;
    }

    private interface ReplyWork {
        Reply get() throws IOException;
    }

    private static void send(Response response, Callback callback, Reply reply) {
        response.setStatus(reply.status());
        if (reply.status() >= 400) {
            // A refused request's body may be left unread: the connection is not reused after it.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.type());
        Content.Sink.write(response, true, reply.body(), callback);
    }

    private static Reply asset(String name) {
        String type = name.endsWith(".js") ? "text/javascript; charset=utf-8" : name.endsWith(".css") ? "text/css; charset=utf-8"
                : name.endsWith(".png") ? "image/png" : null;
        if (type == null || !name.matches("[a-z0-9-]+\\.[a-z]+")) {
            return Reply.text(404, "no such page");
        }
        try (InputStream in = WebFront.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                return Reply.text(404, "no such page");
            }
            return new Reply(200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Reply.text(500, "the page's files cannot be read: " + e.getMessage());
        }
    }

    private static boolean isSafe(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private static long number(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
