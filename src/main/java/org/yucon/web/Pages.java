package org.yucon.web;

/**
 * The HTML of the pages, each a whole document with no inline script or style (the Content-Security-Policy forbids
 * both): the table itself is drawn by {@code app.js} from the JSON state, always as text. What goes into these
 * templates from outside (a login name, a message) is escaped by {@link #text}.
 */
final class Pages {
    /** The console bar's buttons that take or leave write. */
    private static final String WRITE_BUTTONS = """
            <button type="button" data-key="a" title="ask for write (^A a)">Ask write</button>
            <button type="button" data-key="f" title="force write (^A f)">Force write</button>
            <button type="button" data-key="s" title="give up write (^A s)">Give up write</button>
            """;
    private static final String SYSRQ = """
            <label>SysRq <select id="sysrq"><option value="">…</option><option value="s">s sync</option>
            <option value="u">u remount read-only</option><option value="b">b reboot</option>
            <option value="t">t tasks</option><option value="m">m memory</option><option value="h">h help</option></select></label>
            """;

    private Pages() {
    }

    static String login(String message) {
        return page("yucon: log in", "", """
                <main class="narrow">
                <h1>yucon</h1>
                <form method="post" action="/login" class="card">
                <label>Login <input name="login" autocomplete="username" autocapitalize="none" required autofocus></label>
                <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
                %s
                <button type="submit">Log in</button>
                </form>
                </main>
                """.formatted(message.isEmpty() ? "" : "<p class=\"error\" role=\"alert\">" + text(message) + "</p>"));
    }

    /** The guest table's frame; {@code app.js} fills it and keeps it live. */
    static String main(WebSession session) {
        return page("yucon: " + session.login(), session.csrf(), """
                %s
                <main>
                <p id="connection" class="connection" role="status">connecting…</p>
                <section id="host" class="host" hidden></section>
                <table id="guests" class="guests">
                <thead><tr><th>Guest</th><th>Owners</th><th>State</th><th>Since</th><th>Load</th><th>Memory</th>
                <th>Kernel</th><th>Viewers</th><th>Connect</th><th>Actions</th></tr></thead>
                <tbody></tbody>
                </table>
                <p id="empty" class="empty" hidden>This login sees no guest.</p>
                <section id="detail" class="detail" hidden>
                <header><h2 id="detail-title"></h2><button type="button" id="detail-close">Close</button></header>
                <div id="detail-actions"></div>
                <pre id="detail-text"></pre>
                </section>
                <dialog id="ask"><form method="dialog">
                <p id="ask-text"></p>
                <button value="graceful" id="ask-graceful">Graceful</button>
                <button value="hard" id="ask-hard">Hard</button>
                <button value="cancel">Cancel</button>
                </form></dialog>
                </main>
                <script src="/static/app.js"></script>
                """.formatted(bar(session)));
    }

    /**
     * One guest's console: {@code console.js} opens the terminal and its WebSocket. A login that may only watch gets
     * no buttons for write or SysRq (the gateway refuses them anyway: {@code ConsoleAttachment}).
     */
    static String console(WebSession session, String guest, boolean mayWrite) {
        return page("yucon: console of " + guest, session.csrf(), """
                <main class="console" id="console" data-guest="%s">
                <nav class="bar console-bar">
                <a href="/" class="brand" id="console-back">yucon</a>
                <span>Console of <b>%s</b></span>
                <span id="console-state" role="status">connecting…</span>
                <button type="button" data-key="w" title="who is on this console (^A w)">Who</button>
                %s<button type="button" data-key="r" title="the last lines again (^A r)">Replay</button>
                %s<button type="button" id="pause" aria-pressed="false" title="stop the output here; the guest runs on">Pause</button>
                <button type="button" data-key="?" title="the escape keys (^A ?)">Keys</button>
                <button type="button" data-key="d" title="back to the guests (^A d)">Detach</button>
                </nav>
                <div id="terminal" class="terminal"></div>
                </main>
                <link rel="stylesheet" href="/static/xterm.css">
                <script src="/static/xterm.js"></script>
                <script src="/static/addon-fit.js"></script>
                <script src="/static/console.js"></script>
                """.formatted(text(guest), text(guest), mayWrite ? WRITE_BUTTONS : "", mayWrite ? SYSRQ : ""));
    }

    static String passwords(WebSession session, String message, boolean error) {
        return page("yucon: password of " + session.login(), session.csrf(), """
                %s
                <main class="narrow">
                <h1>Password of %s</h1>
                <form method="post" action="/passwords" class="card">
                <input type="hidden" name="csrf" value="%s">
                <label>Current password <input name="current" type="password" autocomplete="current-password" required></label>
                <label>New password <input name="new" type="password" autocomplete="new-password" required></label>
                <label>New password again <input name="again" type="password" autocomplete="new-password" required></label>
                %s
                <button type="submit">Change</button>
                </form>
                <p>The new password counts for the next SSH login and page login; sessions already open stay.</p>
                </main>
                """.formatted(bar(session), text(session.login()), text(session.csrf()), message.isEmpty() ? ""
                : "<p class=\"" + (error ? "error" : "done") + "\" role=\"alert\">" + text(message) + "</p>"));
    }

    /** The seed's bar: logout, passwords, recordings, refresh now, and who is logged in. */
    static String bar(WebSession session) {
        return """
                <nav class="bar">
                <a href="/" class="brand">yucon</a>
                <span class="user">User: <b>%s</b></span>
                <a href="/passwords">passwords</a>
                <a href="/recordings">recordings</a>
                <button type="button" id="refresh">refresh now</button>
                <form method="post" action="/logout"><input type="hidden" name="csrf" value="%s"><button type="submit">logout</button></form>
                </nav>
                """.formatted(text(session.login()), text(session.csrf()));
    }

    static String page(String title, String csrf, String body) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="csrf" content="%s">
                <title>%s</title>
                <link rel="stylesheet" href="/static/app.css">
                </head>
                <body>
                %s</body>
                </html>
                """.formatted(text(csrf), text(title), body);
    }

    /** Text for HTML content or a quoted attribute: the five characters HTML gives meaning escaped. */
    static String text(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
