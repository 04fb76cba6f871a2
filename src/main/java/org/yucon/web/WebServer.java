package org.yucon.web;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.yucon.auth.PasswordCheck;
import org.yucon.config.AccountBook;
import org.yucon.config.GatewaySettings;
import org.yucon.fleet.Fleet;
import org.yucon.guest.Guests;
import org.yucon.recording.Recordings;
import org.yucon.ssh.AuditLog;

/**
 * The web page's HTTPS endpoint: Jetty with one TLS connector (HTTP/1.1, TLS 1.2 and 1.3 only), a bounded thread
 * pool of its own, and {@link WebFront} as the only handler. Whatever Jetty itself refuses (a malformed request, a
 * header too large) is answered with its status and one sentence, never a stack trace or Jetty's page.
 */
public final class WebServer implements AutoCloseable {
    /** Jetty's own threads: selectors, acceptors and short request handling; blocking work goes to the gateway's pool. */
    private static final int MAX_THREADS = 32;

    private final Server server;
    private final ServerConnector connector;
    private final WebCertificate.Loaded certificate;

    private WebServer(Server server, ServerConnector connector, WebCertificate.Loaded certificate) {
        this.server = server;
        this.connector = connector;
        this.certificate = certificate;
    }

    /** Starts serving; {@code pool} runs what may block (mconsole, the keeper, log files). */
    public static WebServer start(Path etc, GatewaySettings settings, Guests guests, AccountBook accounts,
                                  PasswordCheck passwords, AuditLog audit, Recordings recordings,
                                  ScheduledExecutorService scheduler,
                                  Executor pool, int sshPort, Fleet fleet) throws IOException {
        WebCertificate.Loaded certificate = WebCertificate.ensure(settings.web(), settings.hostKeyDir());
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("web");
        threads.setDaemon(true);
        Server server = new Server(threads);
        ServerConnector connector = connector(server, settings, certificate);
        server.addConnector(connector);
        // Connections in all are bounded as SSH's are: a page holds two at most (its event stream and a request), so
        // twice sessions_total; past that Jetty stops accepting until one closes.
        server.addBean(new NetworkConnectionLimit(2 * settings.limits().sessionsTotal(), connector));
        WebSessions sessions = new WebSessions(settings.web().idleTimeout(), settings.limits().sessionsPerAccount(),
                settings.limits().sessionsTotal());
        GuestBoard board = new GuestBoard(guests, accounts, sshPort, scheduler, pool, fleet::sight);
        fleet.onChange(board::fleetChanged);
        WebContext context = new WebContext(etc, settings, guests, accounts, passwords, audit, recordings, pool);
        WebFront front = new WebFront(context, sessions, board);
        // The console's WebSocket upgrades pass ConsoleSockets' gates; every other request goes to WebFront.
        WebSocketUpgradeHandler sockets = WebSocketUpgradeHandler.from(server, container -> {
            container.addMapping("/ws/console/*", new ConsoleSockets(context, front));
            // A page's keep-alive comes every 20 s, but a hidden tab's timers may fire once a minute only; a
            // stalled page sends nothing and is sent nothing. A frame of keys or a paste is at most 64 KiB.
            container.setIdleTimeout(Duration.ofMinutes(10));
            container.setMaxBinaryMessageSize(64 << 10);
            container.setMaxTextMessageSize(1 << 10);
        });
        sockets.setHandler(front);
        server.setHandler(sockets);
        server.setErrorHandler(WebServer::plainError);
        server.setStopTimeout(2000);
        scheduler.scheduleWithFixedDelay(() -> sessions.sweep(Instant.now()), 1, 1, TimeUnit.MINUTES);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw new IOException("the web page could not listen on " + settings.web().listenAddress() + ":"
                    + settings.web().port() + ": " + e.getMessage(), e);
        }
        return new WebServer(server, connector, certificate);
    }

    private static ServerConnector connector(Server server, GatewaySettings settings, WebCertificate.Loaded certificate) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(certificate.keyStore());
        tls.setKeyStorePassword(certificate.keyStorePassword());
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(8 << 10);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // The Host header is checked against host_names by WebFront; a self-signed certificate names no real host.
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost(settings.web().listenAddress());
        connector.setPort(settings.web().port());
        // Longer than the event streams' keep-alive (20 s), so that only a connection that went quiet is closed.
        connector.setIdleTimeout(60_000);
        return connector;
    }

    /** Jetty's refusals (400 for a malformed request, 431, ...) as one sentence of plain text. */
    private static boolean plainError(Request request, org.eclipse.jetty.server.Response response,
                                      org.eclipse.jetty.util.Callback callback) {
        Object status = request.getAttribute(ErrorHandler.ERROR_STATUS);
        int code = status instanceof Integer i ? i : 500;
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        String sentence = code >= 500 ? "the gateway could not answer that request"
                : "the request was refused as malformed (HTTP " + code + ")";
        Content.Sink.write(response, true, sentence + "\n", callback);
        return true;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String address() {
        return connector.getHost() + ":" + port();
    }

    public WebCertificate.Loaded certificate() {
        return certificate;
    }

    @Override
    public void close() {
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping is best effort: the gateway is going away.
        }
    }
}
