package org.yucon.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/** A channel answered with one text and an exit status: a peer's poll, or a relayed login this host refuses. */
final class TextAnswer implements Command {
    private final GatewayContext context;
    private final String text;
    private final boolean error;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback onExit;

    private TextAnswer(GatewayContext context, String text, boolean error) {
        this.context = context;
        this.text = text;
        this.error = error;
    }

    static TextAnswer out(GatewayContext context, String text) {
        return new TextAnswer(context, text, false);
    }

    static TextAnswer refusal(GatewayContext context, String sentence) {
        return new TextAnswer(context, sentence + "\n", true);
    }

    @Override
    public void setInputStream(InputStream in) {
        // Nothing is read.
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.onExit = callback;
    }

    /** Written on a session thread: a channel stream may wait for the client's window, MINA's thread must not. */
    @Override
    public void start(ChannelSession channel, Environment env) {
        context.sessions().execute(() -> {
            try {
                OutputStream to = error ? err : out;
                to.write(text.getBytes(StandardCharsets.UTF_8));
                to.flush();
                onExit.onExit(error ? 1 : 0);
            } catch (IOException e) {
                onExit.onExit(1);
            }
        });
    }

    @Override
    public void destroy(ChannelSession channel) {
        // Nothing held.
    }
}
