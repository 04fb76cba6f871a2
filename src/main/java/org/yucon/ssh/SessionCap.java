package org.yucon.ssh;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps concurrent connections in all: one past the cap is closed as soon as it is created, before it can cost
 * a key exchange. (MINA caps them per account itself.) Called on MINA's I/O threads.
 */
final class SessionCap implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(SessionCap.class);

    private final int max;
    private final AuditLog audit;
    private final AtomicInteger open = new AtomicInteger();

    SessionCap(int max, AuditLog audit) {
        this.max = max;
        this.audit = audit;
    }

    @Override
    public void sessionCreated(Session session) {
        if (open.incrementAndGet() > max) {
            log.warn("{} connections open, the most allowed: closing a new one from {}", max, session.getIoSession().getRemoteAddress());
            audit.record("", String.valueOf(session.getIoSession().getRemoteAddress()), "connect", "", "refused: " + max + " connections open");
            session.close(true);
        }
    }

    @Override
    public void sessionClosed(Session session) {
        open.decrementAndGet();
    }
}
