package org.yucon.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionAware;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.control.ViewerSink;
import org.yucon.recording.Recording;
import org.yucon.tui.KeyFeed;
import org.yucon.tui.SshTerminal;

/**
 * A session's SSH channel: the command MINA runs on it, whose events go to the {@link GatewaySession}, and the
 * channel's streams, flow control and client terminal as the session's parts use them. A line ends as the client
 * expects it (CR LF on a terminal). MINA's calls come on its I/O threads, which never wait here.
 */
final class SshChannel implements Command, ChannelSessionAware, ChannelDataReceiver {
    private static final Logger log = LoggerFactory.getLogger(SshChannel.class);

    private final GatewaySession session;
    /** The account, for the log. */
    private final String login;

    // Set once by MINA before start(), and by start(); read by the session's steps afterwards.
    private ChannelSession channel;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback onExit;
    /** What the client said about its terminal; MINA keeps the size up to date. */
    private ClientEnvironment client;

    SshChannel(GatewaySession session, String login) {
        this.session = session;
        this.login = login;
    }

    @Override
    public void setChannelSession(ChannelSession channel) {
        this.channel = channel;
        channel.setDataReceiver(this);
    }

    @Override
    public void setInputStream(InputStream in) {
        // Input arrives through data(), never through a stream.
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

    @Override
    public void start(ChannelSession channel, Environment env) {
        this.client = new ClientEnvironment(env);
        env.addSignalListener((ch, signal) -> session.windowChanged(), Signal.WINCH);
        session.start(this);
    }

    @Override
    public void destroy(ChannelSession channel) {
        session.closed();
    }

    /** The session reads the bytes as it handles them; {@link #handled} then releases the window. */
    @Override
    public int data(ChannelSession channel, byte[] buf, int start, int len) {
        session.typed(Arrays.copyOfRange(buf, start, start + len));
        return 0;
    }

    /** The client sent EOF. */
    @Override
    public void close() {
        session.closed();
    }

    /** The session's end: the client gets its exit status. */
    void exit(int status) {
        onExit.onExit(status);
    }

    /** One line on the output stream. */
    void say(String line) {
        write(out, line);
    }

    /** One line on the error stream. */
    void complain(String line) {
        write(err, line);
    }

    OutputStream out() {
        return out;
    }

    OutputStream err() {
        return err;
    }

    /** A pty was asked for with a TERM: the menu and the console need one. */
    boolean hasTerminal() {
        return client.hasTerminal();
    }

    /** A terminal for the menu, the console and the pager, at the client's size. */
    SshTerminal terminal() {
        return new SshTerminal(new KeyFeed(), out, columns(), rows(), client.utf8());
    }

    /** The client's terminal type, for a pty opened elsewhere on its behalf. */
    String term() {
        return client.term();
    }

    int columns() {
        return client.columns();
    }

    int rows() {
        return client.rows();
    }

    /** How many bytes the client's SSH window takes now, without waiting. */
    long room() {
        return channel.getRemoteWindow().getSize();
    }

    /** {@code bytes} typed are handled: the client may send as many more. */
    void handled(int bytes) throws IOException {
        channel.getLocalWindow().release(bytes);
    }

    /** A console viewer's way to the client: held to the SSH window, shown to {@code recording} too. */
    ViewerSink sink(Recording recording) {
        return new ChannelSink(out, this::room, PacketsInFlight.of(channel), recording);
    }

    /** The channel, as a recording names what it was made for. */
    String name() {
        return "ssh channel " + channel.getChannelId();
    }

    /** A client that went away is only logged: whoever writes to it has nothing left to tell it. */
    private void write(OutputStream stream, String line) {
        try {
            stream.write((line + (hasTerminal() ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
            stream.flush();
        } catch (IOException e) {
            log.debug("could not tell {}: {}", login, e.toString());
        }
    }
}
