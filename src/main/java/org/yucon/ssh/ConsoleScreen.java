package org.yucon.ssh;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.BiConsumer;
import org.yucon.console.EscapeKeys;
import org.yucon.console.RoleChange;
import org.yucon.control.ConsoleAttachment;
import org.yucon.control.ConsoleKeys;
import org.yucon.control.ConsoleRight;
import org.yucon.control.GuestActions;
import org.yucon.control.ViewerSink;
import org.yucon.guest.GuestSupervisor;
import org.yucon.recording.Recording;

/**
 * An attached console as a session's screen: keys go to the guest through the escape keys, whose commands
 * ({@link ConsoleKeys}) act on the console or give the screen to another; the client's window size goes to the
 * guest. Under the menu or the pager it stays attached, with its role, its output held. Owned by the session's
 * steps; {@link #offer} is one of them, run on MINA's I/O thread.
 */
final class ConsoleScreen implements Screen, ConsoleKeys.Front {
    /** What the escape commands that give the screen away ask of the session's other screens. */
    interface Elsewhere {
        /** {@code ^A d}. */
        void detach() throws IOException;

        /** {@code ^A l}. */
        void openLog() throws IOException;

        /** {@code ^A m}: the console's output is held already. */
        void menu() throws IOException;

        /** Whether this console still has the keyboard, and the session goes on. */
        boolean shows(ConsoleScreen console);

        /** Keys after an escape command: they go to whatever has the screen now. */
        void keys(byte[] bytes) throws IOException;
    }

    private final SessionLoop session;
    private final ConsoleAttachment attachment;
    /** The session's escape key parser: its state (a prefix pending) outlives one attachment. */
    private final EscapeKeys escape;
    private final ConsoleKeys commands;
    private final Elsewhere elsewhere;

    private ConsoleScreen(SessionLoop session, ConsoleAttachment attachment, EscapeKeys escape, Elsewhere elsewhere) {
        this.session = session;
        this.attachment = attachment;
        this.escape = escape;
        this.commands = new ConsoleKeys(escape, this);
        this.elsewhere = elsewhere;
    }

    /**
     * Attaches {@code who} to the console of {@code guest}, recorded, and sizes it to the client's window.
     * {@code roleChanges} is called on other viewers' threads and must only hand the change over to the session.
     */
    static ConsoleScreen attach(SessionLoop session, GuestActions actions, GuestSupervisor guest, String who,
                                int replayLines, EscapeKeys escape, Elsewhere elsewhere,
                                BiConsumer<ViewerSink, RoleChange> roleChanges) throws IOException {
        Recording recording = actions.record(guest, session.channel().name());
        ConsoleAttachment attachment = ConsoleAttachment.attach(actions, guest, who, "ssh",
                actions.console(guest) == ConsoleRight.WRITE, session.channel().sink(recording), recording, escape,
                replayLines, roleChanges);
        ConsoleScreen screen = new ConsoleScreen(session, attachment, escape, elsewhere);
        screen.resized();
        return screen;
    }

    GuestSupervisor guest() {
        return attachment.guest();
    }

    /** Stops the console's output while the menu or the pager has the screen. */
    void hold() {
        attachment.hold();
    }

    /** The screen again: the console catches up on what it missed, at the client's size. */
    void release() throws IOException {
        attachment.release(columns(), rows());
    }

    /** The login's right to write on this guest, decided again; a change is told. */
    void mayWrite(boolean may, String login) throws IOException {
        attachment.mayWrite(may, login);
    }

    /** Somebody changed this viewer's role on the console {@code sink} belongs to: maybe one this session left. */
    void told(ViewerSink sink, RoleChange change) throws IOException {
        if (attachment.owns(sink)) {
            attachment.roleChanged(change, columns(), rows());
        }
    }

    @Override
    public void keys(byte[] bytes) throws IOException {
        int used = escape.feed(bytes, 0, bytes.length, commands);
        if (used < bytes.length && !session.finished()) {
            elsewhere.keys(Arrays.copyOfRange(bytes, used, bytes.length));
        }
    }

    @Override
    public boolean offer(byte[] bytes) {
        return attachment.offer(bytes);
    }

    @Override
    public void resized() throws IOException {
        attachment.resize(columns(), rows());
    }

    /** Leaves the console, whatever the reason; the viewer's own teardown hands write on. */
    @Override
    public void close() {
        attachment.leave();
    }

    @Override
    public ConsoleAttachment console() {
        return attachment;
    }

    @Override
    public int columns() {
        return session.channel().columns();
    }

    @Override
    public int rows() {
        return session.channel().rows();
    }

    @Override
    public void detach() throws IOException {
        elsewhere.detach();
    }

    @Override
    public void openLog() throws IOException {
        elsewhere.openLog();
    }

    @Override
    public void menu() throws IOException {
        elsewhere.menu();
    }

    /** True while keys typed go to the console; an escape command that changes that stops the key feed. */
    @Override
    public boolean onConsole() {
        return elsewhere.shows(this);
    }
}
