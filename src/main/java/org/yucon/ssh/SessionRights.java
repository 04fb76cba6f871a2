package org.yucon.ssh;

import java.io.IOException;
import org.yucon.config.AccessChanges;
import org.yucon.control.Access;

/**
 * The login's rights as one session follows them. Rights are those of the account and guests as they are now
 * ({@link Access}): when they change ({@link AccessChanges}) the session is told and decides again in a step, and
 * each key is held to the decision made since the last change; until the session has decided again, keys take the
 * step's way, not the fast one.
 */
final class SessionRights {
    private final Access access;
    private final AccessChanges changes;
    /** Hands a change over to the session's steps; called on the thread that counted the change. */
    private final Runnable told;
    /** The count of changes that the session's decisions follow; owned by the session's steps. */
    private long decided;

    SessionRights(Access access, AccessChanges changes, Runnable told) {
        this.access = access;
        this.changes = changes;
        this.told = told;
        this.decided = changes.count();
    }

    /** From the session's start to its end, it hears of every change. */
    void listen() {
        changes.listen(told);
    }

    void unlisten() {
        changes.unlisten(told);
    }

    /** Whether the session's decisions follow the last change: one volatile read, fit for every key. */
    boolean current() {
        return decided == changes.count();
    }

    /**
     * Decides again if the rights may have changed since the session last did: a removed account's session ends;
     * otherwise the screen decides again what it shows.
     */
    void decideAgain(SessionLoop session, Screen screen) throws IOException {
        long now = changes.count();
        if (now == decided) {
            return;
        }
        decided = now;
        if (access.account().isEmpty()) {
            session.finish(1, "the account " + access.login() + " was removed; this session ends");
        } else {
            screen.rightsChanged();
        }
    }
}
