package org.yucon.ssh;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.yucon.metrics.Metrics;

/** Connections, logins and logouts for the audit log (and the logins metric), from MINA's session events. */
final class SessionAudit implements SessionListener {
    private final AuditLog audit;
    private final Metrics metrics;

    SessionAudit(AuditLog audit, Metrics metrics) {
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public void sessionCreated(Session session) {
        audit.record("", String.valueOf(session.getIoSession().getRemoteAddress()), "connect", "", "ok");
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated) {
            metrics.login(Metrics.LoginResult.OK);
            audit.record(session.getUsername(), String.valueOf(session.getIoSession().getRemoteAddress()), "login", "", "ok");
        }
    }

    @Override
    public void sessionClosed(Session session) {
        String user = session.getUsername();
        audit.record(user, String.valueOf(session.getIoSession().getRemoteAddress()), user == null ? "disconnect" : "logout", "", "ok");
    }
}
