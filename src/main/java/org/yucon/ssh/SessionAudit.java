package org.yucon.ssh;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/** Connections, logins and logouts for the audit log, from MINA's session events. */
final class SessionAudit implements SessionListener {
    private final AuditLog audit;

    SessionAudit(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void sessionCreated(Session session) {
        audit.record("", String.valueOf(session.getIoSession().getRemoteAddress()), "connect", "", "ok");
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated) {
            audit.record(session.getUsername(), String.valueOf(session.getIoSession().getRemoteAddress()), "login", "", "ok");
        }
    }

    @Override
    public void sessionClosed(Session session) {
        String user = session.getUsername();
        audit.record(user, String.valueOf(session.getIoSession().getRemoteAddress()), user == null ? "disconnect" : "logout", "", "ok");
    }
}
