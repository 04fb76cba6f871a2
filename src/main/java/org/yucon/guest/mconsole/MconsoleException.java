package org.yucon.guest.mconsole;

import java.io.IOException;
import java.nio.file.Path;

/** A command that got no usable reply; the message names the socket, the command and what happened. */
public final class MconsoleException extends IOException {

    private final boolean guestNotRunning;

    MconsoleException(Path socket, String command, String problem, boolean guestNotRunning, Throwable cause) {
        super("mconsole " + socket + ": \"" + command + "\" " + problem, cause);
        this.guestNotRunning = guestNotRunning;
    }

    /** True when nothing listens on the socket: the guest has halted, crashed or was never started. */
    public boolean guestNotRunning() {
        return guestNotRunning;
    }
}
