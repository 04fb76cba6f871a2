package org.yucon.control;

import java.io.IOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import org.yucon.console.ConsoleHub;
import org.yucon.console.ConsoleViewer;
import org.yucon.console.EscapeKeys;
import org.yucon.console.QueryFilter;
import org.yucon.console.Role;
import org.yucon.console.RoleChange;
import org.yucon.guest.GuestSupervisor;
import org.yucon.recording.Recording;
import org.yucon.util.Printable;

/**
 * One session's attachment to one guest's console: its viewer, its sink (whichever front carries it), and the
 * escape commands that act on that console (write arbitration, who, replay, SysRq). Owned by the session's steps
 * (one at a time); the session decides what has the screen, this decides what happens on the console.
 */
public final class ConsoleAttachment {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    /** SysRq goes through the login's actions, so that it is authorized and audited as the verb is. */
    private final GuestActions actions;
    private final GuestSupervisor guest;
    private final ConsoleViewer viewer;
    private final ViewerSink sink;
    /** What this viewer is shown (its sink records that), types and how its window changes; ended when it leaves. */
    private final Recording recording;
    private final EscapeKeys escape;
    private final int replayLines;
    /** Whether this viewer was told that its keys go nowhere, since it last became read-only. */
    private boolean toldKeysDropped;
    /** Whether the login may write on this guest, as last decided. */
    private boolean mayWrite;

    private ConsoleAttachment(GuestActions actions, GuestSupervisor guest, ConsoleViewer viewer, ViewerSink sink,
                              Recording recording, EscapeKeys escape, int replayLines, boolean mayWrite) {
        this.actions = actions;
        this.guest = guest;
        this.viewer = viewer;
        this.sink = sink;
        this.recording = recording;
        this.escape = escape;
        this.replayLines = replayLines;
        this.mayWrite = mayWrite;
    }

    /**
     * Attaches; the hub replays recent output first, so that the lines about this console come after it.
     * {@code roleChanges} is called on other threads, with the sink that identifies this attachment (see
     * {@link #owns}), and must only hand the change over to the session. {@code recording} is the one {@code sink}
     * records what it shows to; the attachment records keys and window sizes, and ends it when the viewer leaves.
     * The viewer is named {@code who} and its {@code channel} ({@code ssh}, {@code web}) everywhere it is named: in
     * the who list, in the lines told to others about it, and in {@code NAME.events}.
     */
    public static ConsoleAttachment attach(GuestActions actions, GuestSupervisor guest, String who, String channel,
                                           boolean mayWrite, ViewerSink sink, Recording recording, EscapeKeys escape,
                                           int replayLines, BiConsumer<ViewerSink, RoleChange> roleChanges)
            throws IOException {
        ConsoleViewer viewer;
        try {
            viewer = guest.console().attach(who + " (" + channel + ")", sink, mayWrite,
                    change -> roleChanges.accept(sink, change));
        } catch (RuntimeException e) {
            recording.end();
            throw e;
        }
        ConsoleAttachment attachment = new ConsoleAttachment(actions, guest, viewer, sink, recording, escape, replayLines,
                mayWrite);
        actions.recordConsole(guest, "console-attach", viewer.isWriter() ? "writer" : "read-only");
        attachment.tell("console of " + guest.name() + " (" + guest.status().state().label().toLowerCase() + "); " + escape.hint());
        if (!viewer.isWriter()) {
            attachment.tell("read-only: " + attachment.writerName() + " writes; " + attachment.key('a') + " asks for write, "
                    + attachment.key('f') + " forces it");
        }
        return attachment;
    }

    public GuestSupervisor guest() {
        return guest;
    }

    /** Whether a role change handed over by the session was meant for this attachment (not an earlier one). */
    public boolean owns(ViewerSink changeSink) {
        return changeSink == sink;
    }

    /** Keys for the guest: sent if this viewer writes, otherwise dropped and said so once. */
    public void type(byte[] bytes, int offset, int length) throws IOException {
        boolean sent;
        try {
            sent = viewer.type(bytes, offset, length);
        } catch (IOException e) {
            tell("the guest's console did not take input: " + e.getMessage());
            return;
        }
        if (sent) {
            recording.typed(bytes, offset, length);
        }
        if (!sent && !toldKeysDropped) {
            toldKeysDropped = true;
            tell("read-only: your keys do not reach " + guest.name() + "; " + key('a') + " asks for write");
        }
    }

    /**
     * Plain keys (no escape in them) sent to the guest at once if that needs no waiting; false when nothing was
     * sent: then they go through {@link #type} like any other keys, which also says what went wrong, if anything.
     */
    public boolean offer(byte[] bytes) {
        if (!escape.plain(bytes)) {
            return false;
        }
        try {
            boolean sent = viewer.offer(bytes, 0, bytes.length);
            if (sent) {
                recording.typed(bytes, 0, bytes.length);
            }
            return sent;
        } catch (IOException e) {
            return false;
        }
    }

    public void resize(int columns, int rows) throws IOException {
        recording.window(columns, rows);
        viewer.resize(columns, rows);
    }

    /** Stops the console's output while something else has the screen. */
    public void hold() {
        sink.hold();
        viewer.away();
    }

    /** Back on the screen: the viewer catches up from where it stopped. */
    public void release(int columns, int rows) throws IOException {
        resize(columns, rows);
        sink.release();
    }

    /** Leaves the console, whatever the reason; the viewer's own teardown hands write on. */
    public void leave() {
        viewer.detach();
        actions.recordConsole(guest, "console-detach", "ok");
        recording.end();
    }

    /** {@code ^A a}: the writer sends the prefix itself (screen); a read-only viewer asks for write (conserver). */
    public void askForWriteOrSendPrefix(int columns, int rows) throws IOException {
        if (viewer.isWriter()) {
            type(new byte[] {escape.prefix()}, 0, 1);
            return;
        }
        Role role = viewer.askWrite();
        if (role == Role.WRITER) {
            viewer.resize(columns, rows);
            tell("you write now");
        } else if (role == Role.ASKING) {
            tell("asked for write: you write when " + writerName() + " leaves or gives up (" + key('f') + " forces it)");
        } else {
            tell("this login may not write on " + guest.name());
        }
    }

    public void forceWrite(int columns, int rows) throws IOException {
        String previous = writerName();
        if (viewer.forceWrite() == Role.WRITER) {
            actions.recordConsole(guest, "console-force", previous.equals(viewer.who()) ? "ok" : "from " + previous);
            viewer.resize(columns, rows);
            tell("you write now" + (previous.equals(viewer.who()) ? "" : "; " + previous + " is read-only"));
        } else {
            tell("this login may not write on " + guest.name());
        }
    }

    public void giveUpWrite() throws IOException {
        Role before = viewer.role();
        viewer.giveUpWrite();
        toldKeysDropped = false;
        switch (before) {
            case WRITER -> tell("read-only now; " + writerName() + " writes");
            case ASKING -> tell("no longer asking for write");
            case READ_ONLY -> tell("read-only already; " + writerName() + " writes");
        }
    }

    /** {@code ^A w}: one line per viewer of this console. */
    public void who() throws IOException {
        List<ConsoleHub.Attendee> attendees = guest.console().who();
        List<String> lines = new ArrayList<>();
        lines.add(attendees.size() + " on the console of " + guest.name() + ":");
        for (ConsoleHub.Attendee attendee : attendees) {
            ConsoleViewer other = attendee.viewer();
            lines.add(String.format("  %-30s since %s  %s%s", other.who(), CLOCK.format(other.since()),
                    attendee.role().label(), other == viewer ? " (you)" : ""));
        }
        tell(lines.toArray(new String[0]));
    }

    /** {@code ^A r}: the last lines the console showed, to this viewer only, without terminal queries. */
    public void replay() throws IOException {
        byte[] held = guest.console().heldOutput();
        byte[] last = Arrays.copyOfRange(held, LogTail.startOfLastLines(held, replayLines), held.length);
        sink.replay(QueryFilter.dropQueries(last), "the last " + replayLines + " lines of " + guest.name());
    }

    /** {@code ^A b KEY}: magic SysRq through the guest's mconsole, for the writer only. */
    public void sysrq(char key) throws IOException {
        if (!viewer.isWriter()) {
            tell("SysRq is for the writer only; " + key('a') + " asks for write");
        } else if (!(key >= 'a' && key <= 'z' || key >= '0' && key <= '9')) {
            tell("SysRq takes a letter or a digit after " + key('b') + "; nothing was sent");
        } else {
            tell(Printable.of(actions.sysrq(guest, String.valueOf(key)).message(), 120));
        }
    }

    /**
     * Whether {@code login} may write on this guest, decided again after its rights changed: a viewer that lost it is
     * read-only at once (write goes on as when it gives up) and told, as with {@code ^A f}; one that gained it is told
     * how to take write.
     */
    public void mayWrite(boolean may, String login) throws IOException {
        if (may == mayWrite) {
            return;
        }
        mayWrite = may;
        viewer.permitWrite(may);
        if (may) {
            tell(login + " may write on " + guest.name() + " now; " + key('a') + " asks for write");
        } else {
            toldKeysDropped = false;
            tell("read-only now: " + login + " may no longer write on " + guest.name());
        }
    }

    public void roleChanged(RoleChange change, int columns, int rows) throws IOException {
        switch (change.kind()) {
            case PROMOTED -> {
                viewer.resize(columns, rows);
                tell("you write now: " + change.by() + " stopped writing");
            }
            case DEMOTED -> {
                toldKeysDropped = false;
                tell("read-only now: " + change.by() + " forced write; " + key('a') + " asks for it back");
            }
            case VACANT -> tell(change.by() + " stopped writing and nobody writes now; " + key('a') + " takes write");
        }
    }

    /** A line for this viewer only, between the guest's output (after it, while the menu or pager is shown). */
    public void tell(String... lines) throws IOException {
        sink.tell(lines);
    }

    /** Who writes on this console, for messages: account@address, or nobody. */
    private String writerName() {
        return guest.console().who().stream().filter(a -> a.role() == Role.WRITER)
                .map(a -> a.viewer().who()).findFirst().orElse("nobody");
    }

    /** An escape key as the user types it, e.g. "^A a". */
    private String key(char second) {
        return escape.prefixName() + " " + second;
    }
}
