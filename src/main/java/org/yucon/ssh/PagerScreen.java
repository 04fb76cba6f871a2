package org.yucon.ssh;

import java.io.IOException;
import java.util.Optional;
import org.yucon.control.GuestActions;
import org.yucon.guest.GuestSupervisor;
import org.yucon.tui.LogPager;
import org.yucon.tui.SshTerminal;

/**
 * The pager over the end of a guest's log ({@code ^A l}) as a session's screen, over the console it was opened from,
 * whose output is held meanwhile. Owned by the session's steps.
 */
final class PagerScreen implements Screen {
    private final SessionLoop session;
    private final SshTerminal terminal;
    private final LogPager pager;
    /** What the session does once the viewer closed the pager: the console under it takes the screen back. */
    private final SessionLoop.Step closed;

    private PagerScreen(SessionLoop session, SshTerminal terminal, LogPager pager, SessionLoop.Step closed) {
        this.session = session;
        this.terminal = terminal;
        this.pager = pager;
        this.closed = closed;
    }

    /**
     * The pager over the end of the log of {@code guest}; empty when the login may no longer read it (rights changed
     * since the key was read; the step that decides them again detaches).
     */
    static Optional<PagerScreen> open(SessionLoop session, GuestActions actions, GuestSupervisor guest,
                                      SshTerminal terminal, SessionLoop.Step closed) throws IOException {
        Optional<byte[]> log = actions.log(guest, Integer.MAX_VALUE);
        if (log.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PagerScreen(session, terminal, new LogPager(terminal, guest.name(), log.get()), closed));
    }

    /** Takes the screen, at the client's size (window changes meanwhile went to the console). */
    void show() throws IOException {
        terminal.resized(session.channel().columns(), session.channel().rows());
        pager.show();
    }

    /** Gives the screen back: the terminal shows the console as it was when the pager opened. */
    void hide() throws IOException {
        pager.hide();
    }

    @Override
    public void keys(byte[] bytes) throws IOException {
        terminal.keys().add(bytes, 0, bytes.length);
        if (!pager.keys()) {
            closed.run();
        }
    }

    @Override
    public void resized() throws IOException {
        pager.resized(session.channel().columns(), session.channel().rows());
    }

    @Override
    public void finishing() throws IOException {
        hide();
    }
}
