package org.yucon.ssh;

import java.net.InetSocketAddress;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.yucon.auth.LoginGuard;

/**
 * Lets a new connection in or closes it as soon as it is created, before it can cost a key exchange, as
 * {@link ConnectionAdmission} decides; a connection counts as not logged in from its creation until MINA says it
 * authenticated or it closes. Refusals are told through {@link RefusalLog}; the audit hears of admitted connections
 * only (a refused one is closed, attributes and all, before a listener after this one would hear of its creation).
 * (MINA caps connections per account itself.)
 *
 * <p>Called on MINA's I/O threads, and on the thread that completes a login.
 */
final class ConnectionGate implements SessionListener {
    /** The address of a connection that has not logged in yet: removed, by one thread only, when it stops being one. */
    private static final AttributeKey<String> STARTUP = new AttributeKey<>();
    /** Set on a refused connection, which MINA still tells of its closing. */
    private static final AttributeKey<Boolean> REFUSED = new AttributeKey<>();

    private final ConnectionAdmission admission;
    private final RefusalLog refusals;
    private final SessionAudit audit;

    ConnectionGate(ConnectionAdmission admission, RefusalLog refusals, SessionAudit audit) {
        this.admission = admission;
        this.refusals = refusals;
        this.audit = audit;
    }

    @Override
    public void sessionCreated(Session session) {
        // A TCP acceptor: the remote address is an InetSocketAddress.
        InetSocketAddress remote = (InetSocketAddress) session.getIoSession().getRemoteAddress();
        String source = LoginGuard.source(remote);
        ConnectionAdmission.Verdict verdict = admission.admit(source);
        if (verdict == ConnectionAdmission.Verdict.ADMITTED) {
            session.setAttribute(STARTUP, source);
            audit.sessionCreated(session);
            return;
        }
        session.setAttribute(REFUSED, Boolean.TRUE);
        refusals.refused(remote, verdict.setting, admission.reason(verdict));
        session.close(true);
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (refused(session)) {
            return;
        }
        if (event == Event.Authenticated) {
            endStartup(session);
        }
        audit.sessionEvent(session, event);
    }

    @Override
    public void sessionClosed(Session session) {
        if (refused(session)) {
            return;
        }
        endStartup(session);
        admission.closed();
        audit.sessionClosed(session);
    }

    private static boolean refused(Session session) {
        return session.getAttribute(REFUSED) != null;
    }

    /** Once per admitted connection: whichever of its login and its close comes first takes the mark. */
    private void endStartup(Session session) {
        String source = session.removeAttribute(STARTUP);
        if (source != null) {
            admission.startupEnded(source);
        }
    }
}
