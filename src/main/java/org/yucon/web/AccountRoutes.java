package org.yucon.web;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.auth.LoginGuard;
import org.yucon.auth.PasswordCheck;
import org.yucon.config.AccountFile;
import org.yucon.config.ConfigException;
import org.yucon.ssh.AuditLog;

/**
 * Logging in and out, and changing one's own password. Passwords go through the {@link PasswordCheck} SSH uses
 * (throttle, hashing pool, failure delay), the current one too when it is changed; the new one is written as
 * {@code yucon account passwd} writes it.
 */
final class AccountRoutes {
    static final String COOKIE = "__Host-yucon";
    private static final Logger log = LoggerFactory.getLogger(AccountRoutes.class);

    private final WebContext context;
    private final WebSessions sessions;

    AccountRoutes(WebContext context, WebSessions sessions) {
        this.context = context;
        this.sessions = sessions;
    }

    /** POST /login; {@code brought} is the session the browser's cookie named, if any. */
    void login(Exchange ex, Fields fields, Optional<WebSession> brought) {
        String login = fields.getValue("login");
        String password = fields.getValue("password");
        if (login == null || password == null) {
            ex.send(Reply.text(400, "a login needs the fields login and password"));
            return;
        }
        SocketAddress client = ex.client();
        String from = String.valueOf(client);
        context.passwords().check(attempt(login, client), password, account -> {
            if (account.isEmpty()) {
                ex.send(Reply.html(401, Pages.login("Wrong login or password.")));
                return;
            }
            // A new id at every login: a session the browser brought (perhaps planted) ends here.
            brought.ifPresent(old -> sessions.end(old, "replaced by a new login"));
            WebSession session = sessions.open(account.get().name(), from, Instant.now());
            context.audit(session, "login", "", "ok");
            ex.cookie(cookie(session.id(), -1));
            ex.redirect("/");
        });
    }

    void logout(Exchange ex, WebSession session) {
        sessions.end(session, "logged out");
        context.audit(session, "logout", "", "ok");
        ex.cookie(cookie("", 0));
        ex.redirect("/login");
    }

    /** POST /passwords: the current password checked as a login's (throttled, timed alike), then the new one written. */
    void changePassword(Exchange ex, WebSession s, Fields fields) {
        String current = fields.getValue("current");
        String fresh = fields.getValue("new");
        String again = fields.getValue("again");
        if (current == null || fresh == null || again == null) {
            ex.send(Reply.text(400, "a password change needs the fields current, new and again"));
            return;
        }
        if (fresh.isEmpty() || !fresh.equals(again)) {
            ex.send(Reply.html(400, Pages.passwords(s, "The new passwords differ or are empty; nothing changed.", true)));
            return;
        }
        if (fresh.getBytes(StandardCharsets.UTF_8).length > context.passwordMaxBytes()) {
            ex.send(Reply.html(400, Pages.passwords(s, "The new password is longer than " + context.passwordMaxBytes()
                    + " bytes; nothing changed.", true)));
            return;
        }
        context.passwords().check(attempt(s.login(), ex.client()), current, account -> {
            if (account.isEmpty()) {
                context.audit(s, "passwd", "", "refused:wrong-current-password");
                ex.send(Reply.html(403, Pages.passwords(s, "The current password is wrong; nothing changed.", true)));
                return;
            }
            boolean written = write(s.login(), fresh);
            context.audit(s, "passwd", "", written ? "ok" : "failed");
            ex.send(written ? Reply.html(200, Pages.passwords(s, "Password changed.", false))
                    : Reply.html(500, Pages.passwords(s, "The password was not changed: the account file could not be "
                    + "written.", true)));
        });
    }

    /** The session cookie: HttpOnly, Secure, SameSite=Strict, the whole site, {@code __Host-} so no domain may set it. */
    static HttpCookie cookie(String value, long maxAge) {
        HttpCookie.Builder b = HttpCookie.build(COOKIE, value).path("/").httpOnly(true).secure(true)
                .sameSite(HttpCookie.SameSite.STRICT);
        return (maxAge >= 0 ? b.maxAge(maxAge) : b).build();
    }

    private static PasswordCheck.Attempt attempt(String login, SocketAddress client) {
        return new PasswordCheck.Attempt(AuditLog.Channel.WEB, login, String.valueOf(client), LoginGuard.source(client),
                () -> true);
    }

    /** Through the same code as {@code yucon account passwd}. */
    private boolean write(String login, String password) {
        try {
            AccountFile.changePassword(context.etc(), login, Sha2Crypt.sha512Crypt(password.getBytes(StandardCharsets.UTF_8)));
            // Read at once, not at the next look: the very next SSH login takes the new password.
            context.accounts().look();
            return true;
        } catch (IOException | ConfigException e) {
            log.warn("the password of {} was not changed: {}", login, e.getMessage());
            return false;
        }
    }
}
