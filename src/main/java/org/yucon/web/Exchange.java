package org.yucon.web;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One request and its answer, as the routes see them: Jetty's three objects and the few ways a route answers. */
record Exchange(Request request, Response response, Callback callback) {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    private static final int FORM_MAX_FIELDS = 8;
    private static final int FORM_MAX_BYTES = 16 << 10;

    String path() {
        return Request.getPathInContext(request);
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    SocketAddress client() {
        return request.getConnectionMetaData().getRemoteSocketAddress();
    }

    String query(String name) {
        return Request.extractQueryParameters(request).getValue(name);
    }

    void send(Reply reply) {
        response.setStatus(reply.status());
        if (reply.status() >= 400) {
            // A refused request's body may be left unread: the connection is not reused after it.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.type());
        Content.Sink.write(response, true, reply.body(), callback);
    }

    /** 303 See Other: after a form, the browser GETs {@code path}. */
    void redirect(String path) {
        Response.sendRedirect(request, response, callback, 303, path, true);
    }

    void cookie(HttpCookie cookie) {
        Response.addCookie(response, cookie);
    }

    /**
     * Reads the form (at most {@value #FORM_MAX_FIELDS} fields and {@value #FORM_MAX_BYTES} bytes), then runs
     * {@code then} on a thread that may block (it may hash a password or wait for a lock); a malformed form gets a 400.
     */
    void form(Consumer<Fields> then) {
        FormFields.onFields(request, StandardCharsets.UTF_8, FORM_MAX_FIELDS, FORM_MAX_BYTES,
                Promise.Invocable.from(Invocable.InvocationType.BLOCKING, (fields, failure) -> {
                    if (failure != null) {
                        send(Reply.text(400, "the request's form could not be read (too large, or not a form)"));
                        return;
                    }
                    try {
                        then.accept(fields);
                    } catch (RuntimeException e) {
                        log.warn("web form {} failed", path(), e);
                        send(Reply.text(500, "the gateway could not answer that request"));
                    }
                }));
    }
}
