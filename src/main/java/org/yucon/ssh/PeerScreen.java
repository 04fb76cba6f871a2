package org.yucon.ssh;

import java.io.IOException;
import org.yucon.fleet.PeerLink;

/**
 * A verb on another host (console, ps, top) as a session's screen, chosen in an admin's menu: the terminal and the
 * keyboard go to a {@link PeerTerminal} on the peer holding the guest, until the verb ends. Owned by the session's
 * steps; the peer's output and its end arrive on MINA's threads and are handed over as steps.
 */
final class PeerScreen implements Screen {
    /** What the session does once the verb on the peer ended: {@code why} is empty, or says why it failed. */
    @FunctionalInterface
    interface Ended {
        void ended(String why) throws IOException;
    }

    private final SessionLoop session;
    private final Ended ended;
    private final PeerTerminal terminal;
    // Owned by the session's steps.
    /** The verb ended or the session left it: what the peer still sends goes nowhere. */
    private boolean over;

    /**
     * Opens {@code verb} on {@code peer} as {@code person}; returns at once. The peer's events are posted as steps,
     * which run only after the one that made this screen.
     */
    PeerScreen(SessionLoop session, PeerLink peer, String person, String from, String verb, Ended ended) {
        this.session = session;
        this.ended = ended;
        SshChannel channel = session.channel();
        this.terminal = PeerTerminal.open(peer, person, from, verb, channel.term(), channel.columns(), channel.rows(),
                new PeerTerminal.Screen() {
                    @Override
                    public void show(PeerTerminal which, byte[] bytes, Runnable more) {
                        session.post(() -> shows(bytes, more));
                    }

                    @Override
                    public void ended(PeerTerminal which, String why) {
                        session.post(() -> endedThere(why));
                    }
                });
    }

    @Override
    public void keys(byte[] bytes) {
        terminal.type(bytes);
    }

    @Override
    public void resized() {
        terminal.resize(session.channel().columns(), session.channel().rows());
    }

    /** The session ends: the channel to the peer closes (a console there detaches this viewer). */
    @Override
    public void close() {
        over = true;
        terminal.close();
    }

    private void shows(byte[] bytes, Runnable more) throws IOException {
        if (!over) {
            session.channel().out().write(bytes);
            session.channel().out().flush();
            more.run();
        }
    }

    private void endedThere(String why) throws IOException {
        if (!over) {
            over = true;
            ended.ended(why);
        }
    }
}
