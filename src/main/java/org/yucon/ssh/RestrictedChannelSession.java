package org.yucon.ssh;

import java.io.IOException;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * A session channel that takes from the client's environment only what a terminal needs: TERM (with the pty),
 * LANG and LC_*. Anything else (LD_PRELOAD, PATH, ...) is refused, even though nothing here would use it.
 */
final class RestrictedChannelSession extends ChannelSession {
    static boolean allowed(String name) {
        return name.equals("TERM") || name.equals("LANG") || name.startsWith("LC_");
    }

    @Override
    protected RequestHandler.Result handleEnvParsed(String name, String value) throws IOException {
        return allowed(name) ? super.handleEnvParsed(name, value) : RequestHandler.Result.ReplyFailure;
    }
}
