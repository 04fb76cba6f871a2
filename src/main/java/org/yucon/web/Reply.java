package org.yucon.web;

/** What a route answers: a status, a content type and a body (one sentence of plain text for a refusal). */
record Reply(int status, String type, String body) {
    static Reply text(int status, String sentence) {
        return new Reply(status, "text/plain; charset=utf-8", sentence + "\n");
    }

    static Reply html(int status, String html) {
        return new Reply(status, "text/html; charset=utf-8", html);
    }

    static Reply json(int status, Object value) {
        return new Reply(status, "application/json", Json.of(value));
    }

    static Reply json(Object value) {
        return json(200, value);
    }
}
