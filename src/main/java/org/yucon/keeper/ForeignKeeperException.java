package org.yucon.keeper;

import java.io.IOException;

/** The keeper's socket is served by another user: no keeper of ours, and no reason to start one over it. */
final class ForeignKeeperException extends IOException {
    ForeignKeeperException(String message) {
        super(message);
    }
}
