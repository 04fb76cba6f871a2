package org.yucon.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A plain HTTPS client of a test gateway's web page, as a script or an attacker would use it: it trusts exactly the
 * gateway's certificate, follows no redirect and keeps no cookie unless told. {@link #raw} writes bytes on a TLS
 * socket, for requests no well-behaved client sends (a foreign Host, a malformed request line).
 */
public final class WebClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern CSRF_META = Pattern.compile("<meta name=\"csrf\" content=\"([^\"]*)\">");

    private final int port;
    private final SSLContext tls;
    private final HttpClient http;

    /** A client of {@code host}'s web page, trusting the certificate the gateway generated for it. */
    public static WebClient of(TestHost host) throws IOException, GeneralSecurityException {
        return new WebClient(host.gateway().web().orElseThrow().port(), host.dir().resolve("hostkeys").resolve("web_cert.pem"));
    }

    public WebClient(int port, Path certificate) throws IOException, GeneralSecurityException {
        this.port = port;
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("yucon", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        this.tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        this.http = HttpClient.newBuilder().sslContext(tls).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(TIMEOUT).build();
    }

    public String origin() {
        return "https://localhost:" + port;
    }

    public HttpResponse<String> get(String path, Optional<String> cookie) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin() + path)).timeout(TIMEOUT).GET();
        cookie.ifPresent(c -> b.header("Cookie", c));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A form POST with the given cookie and Origin header (empty: none sent). */
    public HttpResponse<String> post(String path, Optional<String> cookie, Optional<String> origin, Map<String, String> form)
            throws IOException, InterruptedException {
        String body = form(form);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin() + path)).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        cookie.ifPresent(c -> b.header("Cookie", c));
        origin.ifPresent(o -> b.header("Origin", o));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Opens the console's WebSocket as a script would, with the given cookie, Origin and subprotocols (each empty:
     * none sent); completes exceptionally when the upgrade is refused.
     */
    public java.util.concurrent.CompletableFuture<java.net.http.WebSocket> socket(String path, Optional<String> cookie,
            Optional<String> origin, List<String> protocols, java.net.http.WebSocket.Listener listener) {
        java.net.http.WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        cookie.ifPresent(c -> b.header("Cookie", c));
        origin.ifPresent(o -> b.header("Origin", o));
        if (!protocols.isEmpty()) {
            b.subprotocols(protocols.get(0), protocols.subList(1, protocols.size()).toArray(new String[0]));
        }
        return b.buildAsync(URI.create("wss://localhost:" + port + path), listener);
    }

    /** Logs in; the session cookie as a Cookie header's value ({@code name=value}). */
    public String login(String login, String password) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/login", Optional.empty(), Optional.of(origin()),
                Map.of("login", login, "password", password));
        if (r.statusCode() != 303) {
            throw new AssertionError("login of " + login + " answered " + r.statusCode() + ": " + r.body());
        }
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** The page's CSRF token, as its main page carries it. */
    public String csrf(String cookie) throws IOException, InterruptedException {
        HttpResponse<String> page = get("/", Optional.of(cookie));
        Matcher m = CSRF_META.matcher(page.body());
        if (page.statusCode() != 200 || !m.find()) {
            throw new AssertionError("no token on the main page: " + page.statusCode() + " " + page.body());
        }
        return m.group(1);
    }

    /** Writes {@code request} as it is on a fresh TLS connection and returns everything the server answered. */
    public String raw(String request) throws IOException {
        return raw(request, "127.0.0.1");
    }

    /** As {@link #raw(String)}, from the local address {@code from} (loopback is a whole /8: each is a client). */
    public String raw(String request, String from) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port,
                java.net.InetAddress.getByName(from), 0)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /** A raw form POST of {@code body} to {@code path} with this page's Origin, closing the connection after. */
    public String rawPost(String path, String body, String from) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return raw("POST " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nOrigin: " + origin()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n" + body, from);
    }

    public static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
