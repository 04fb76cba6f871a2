package org.yucon.web;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.yucon.config.AccountConfig;
import org.yucon.control.ConsoleRight;
import org.yucon.control.GuestActions;
import org.yucon.guest.GuestSupervisor;

/**
 * The gates of the console's WebSocket upgrade, the same as a POST's and more: the Host names this gateway, the
 * Origin is this page's exactly (a missing one is refused: the upgrade is a GET, and browsers send Origin on every
 * WebSocket), the session cookie is a logged-in one, the CSRF token is offered as a subprotocol (never in the URL,
 * which logs keep), and the login may watch the guest. Any refusal is an HTTP answer with one sentence.
 */
final class ConsoleSockets implements WebSocketCreator {
    static final Pattern PATH = Pattern.compile("/ws/console/([a-z][a-z0-9_-]{0,31})");

    private final WebContext context;
    private final WebFront front;

    ConsoleSockets(WebContext context, WebFront front) {
        this.context = context;
        this.front = front;
    }

    @Override
    public Object createWebSocket(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        Optional<Reply> refusal = front.refusal(request);
        String host = request.getHeaders().get(HttpHeader.HOST);
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        Optional<WebSession> session = front.session(request);
        Matcher path = PATH.matcher(Request.getPathInContext(request));
        if (refusal.isPresent()) {
            return refuse(request, response, callback, refusal.get().status(), refusal.get().body());
        }
        if (origin == null || !origin.equals("https://" + host)) {
            return refuse(request, response, callback, 403, "a console from another origin (or none) is refused");
        }
        if (session.isEmpty()) {
            return refuse(request, response, callback, 401, "not logged in (or the session expired): log in again");
        }
        if (!request.hasSubProtocol(ConsoleProtocol.NAME) || !tokenOffered(request, session.get())) {
            return refuse(request, response, callback, 403, "this console lacks the page's token: reload the page");
        }
        GuestActions actions = context.actions(session.get());
        Optional<GuestSupervisor> guest = path.matches() ? actions.visible(path.group(1)) : Optional.empty();
        Optional<AccountConfig> account = actions.access().account();
        if (guest.isEmpty() || account.isEmpty() || actions.console(guest.get()) == ConsoleRight.NONE) {
            return refuse(request, response, callback, 404, "no such console");
        }
        response.setAcceptedSubProtocol(ConsoleProtocol.NAME);
        return new WebConsole(context, session.get(), actions, guest.get(), account.get().escapeKey());
    }

    private static boolean tokenOffered(ServerUpgradeRequest request, WebSession session) {
        return request.getSubProtocols().stream().filter(p -> p.startsWith(ConsoleProtocol.TOKEN_PREFIX))
                .anyMatch(p -> WebFront.tokenMatches(session, p.substring(ConsoleProtocol.TOKEN_PREFIX.length())));
    }

    private static Object refuse(Request request, Response response, Callback callback, int status, String sentence) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, sentence.strip() + "\n", callback);
        return null;
    }
}
