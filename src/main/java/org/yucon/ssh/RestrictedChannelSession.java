package org.yucon.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.ChannelSession;
import org.yucon.config.LoginLimits;
import org.yucon.fleet.PeerLink;

/**
 * A session channel within bounds, as sshd keeps them: at most {@code max_sessions} open on one connection (OpenSSH's
 * MaxSessions), and of the client's environment only what a terminal needs, TERM (with the pty), LANG and LC_*,
 * at most {@code env_max_entries} requests and {@code env_max_bytes} of names and values. Anything else (LD_PRELOAD,
 * PATH, ...) is refused, even though nothing here would use it.
 */
final class RestrictedChannelSession extends ChannelSession {
    private final LoginLimits limits;
    // Owned by the MINA thread that handles this channel's requests, one at a time.
    private int envEntries;
    private int envBytes;

    RestrictedChannelSession(LoginLimits limits) {
        this.limits = limits;
    }

    static boolean allowed(String name) {
        return name.equals("TERM") || name.equals("LANG") || name.startsWith("LC_");
    }

    /**
     * Refuses the channel when the connection has {@code max_sessions} open already, and takes it back out of the
     * connection, which goes on; the client is told "administratively prohibited", as sshd tells it. MINA's own
     * bound (MAX_CONCURRENT_CHANNELS at 10) lets an 11th channel in and closes the whole connection at the 12th.
     */
    @Override
    protected OpenFuture doInit(Buffer buffer) {
        // MINA registered this channel before opening it: it is one of those counted.
        // A peer's one connection carries every session it relays: it is held to the gateway's total instead.
        boolean peer = getSession().getAttribute(PeerSessions.PEER) != null;
        int most = peer ? limits.sessionsTotal() : limits.sessionsPerConnection();
        if (((AbstractConnectionService) service).getChannels().size() <= most) {
            return super.doInit(buffer);
        }
        service.unregisterChannel(this);
        OpenFuture refused = new DefaultOpenFuture(this, this);
        refused.setException(new SshChannelOpenException(getChannelId(), SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                "at most " + most + (peer ? " sessions (sessions_total)" : " sessions per connection (max_sessions)")));
        return refused;
    }

    @Override
    protected RequestHandler.Result handleEnvParsed(String name, String value) throws IOException {
        int bytes = (name + value).getBytes(StandardCharsets.UTF_8).length;
        // Only a pinned peer's connection may say who the person is and where they came from.
        boolean relayed = (name.equals(PeerLink.PERSON) || name.equals(PeerLink.FROM))
                && getSession().getAttribute(PeerSessions.PEER) != null;
        if (!(allowed(name) || relayed) || envEntries >= limits.envEntries() || bytes > limits.envBytes() - envBytes) {
            return RequestHandler.Result.ReplyFailure;
        }
        envEntries++;
        envBytes += bytes;
        return super.handleEnvParsed(name, value);
    }
}
