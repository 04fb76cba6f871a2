package org.yucon.guest.mconsole;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** A command that got no usable reply; the message names the socket, the command and what happened. */
public final class MconsoleException extends IOException {

    private final String command;
    private final boolean guestNotRunning;
    /** How long the guest was waited for when it did not answer at all (it runs, but stopped or hung); else null. */
    private final Duration noReplyWithin;

    MconsoleException(Path socket, String command, String problem, boolean guestNotRunning, Throwable cause) {
        this(socket, command, problem, guestNotRunning, null, cause);
    }

    private MconsoleException(Path socket, String command, String problem, boolean guestNotRunning, Duration noReplyWithin,
                              Throwable cause) {
        super("mconsole " + socket + ": \"" + command + "\" " + problem, cause);
        this.command = command;
        this.guestNotRunning = guestNotRunning;
        this.noReplyWithin = noReplyWithin;
    }

    /** The guest's socket is there and took the command, but no reply came within {@code timeout}. */
    static MconsoleException noReply(Path socket, String command, Duration timeout, Throwable cause) {
        return new MconsoleException(socket, command, "got no reply within " + timeout.toMillis() + " ms", false, timeout,
                cause);
    }

    /** True when nothing listens on the socket: the guest has halted, crashed or was never started. */
    public boolean guestNotRunning() {
        return guestNotRunning;
    }

    /** What a person is told, in one sentence about {@code guest}, without the socket's path. */
    public String sentence(String guest) {
        if (guestNotRunning) {
            return guest + " is not running (its mconsole does not answer)";
        }
        if (noReplyWithin != null) {
            return guest + " did not answer \"" + command + "\" within " + noReplyWithin.toSeconds()
                    + " s: its UML is stopped or hung";
        }
        return getMessage();
    }
}
