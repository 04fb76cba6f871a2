package org.yucon.web;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.LoggerFactory;
import org.yucon.auth.PasswordCheck;
import org.yucon.config.AccountBook;
import org.yucon.config.GatewaySettings;
import org.yucon.console.ConsoleLogs;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Guests;
import org.yucon.control.Access;
import org.yucon.control.GuestActions;
import org.yucon.recording.Recordings;
import org.yucon.ssh.AuditLog;

/** What the web page's routes share: the gateway's guests, accounts, password check, audit trail, recordings and pool. */
record WebContext(Path etc, GatewaySettings settings, Guests guests, AccountBook accounts, PasswordCheck passwords,
                  AuditLog audit, Recordings recordings, Executor pool) {

    /** Work that may block, on the gateway's pool; its reply is sent when done. */
    interface Work {
        Reply get() throws IOException;
    }

    /** Work that may block and answers the request itself (it may stream a file). */
    interface Answer {
        void run() throws IOException;
    }

    void later(Exchange ex, Work work) {
        answerLater(ex, () -> ex.send(work.get()));
    }

    /** Runs {@code answer} on the gateway's pool; if it fails before answering, the request gets one sentence. */
    void answerLater(Exchange ex, Answer answer) {
        try {
            pool.execute(() -> {
                try {
                    answer.run();
                } catch (IOException e) {
                    ex.send(Reply.text(500, "the gateway could not read that: " + e.getMessage()));
                } catch (RuntimeException e) {
                    LoggerFactory.getLogger(WebContext.class).warn("web request {} failed", ex.path(), e);
                    ex.send(Reply.text(500, "the gateway could not answer that request"));
                }
            });
        } catch (RejectedExecutionException e) {
            ex.send(Reply.text(503, "the gateway is stopping"));
        }
    }

    Access access(WebSession session) {
        return Access.of(accounts, session.login());
    }

    /** The login's guest actions, authorized by {@link Access} as the rights are now, audited with channel web. */
    GuestActions actions(WebSession session) {
        return new GuestActions(guests, access(session),
                (user, from, action, guest, result) -> audit.record(AuditLog.Channel.WEB, user, from, action, guest, result),
                session.from(), logs(), recordings);
    }

    private Path logs() {
        return ConsoleLogs.dir(settings.stateDir());
    }

    Path logFile(GuestSupervisor guest) {
        return ConsoleLogs.of(logs(), guest.name());
    }

    int passwordMaxBytes() {
        return settings.limits().passwordMaxBytes();
    }

    void audit(WebSession session, String action, String guest, String result) {
        audit.record(AuditLog.Channel.WEB, session.login(), session.from(), action, guest, result);
    }

    /**
     * Whether a Host header names this gateway: one of {@code host_names}, with no port or the port the request came
     * in on. Compared without regard to case, as DNS names are.
     */
    boolean servesHost(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        List<String> names = settings.web().hostNames();
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).anyMatch(n -> h.equals(n) || h.equals(n + ":" + port));
    }
}
