package org.yucon.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.yucon.config.ConsoleSettings;

/**
 * The console of one guest, shared: whatever the guest prints goes into a ring (replayed on attach) and on to
 * every viewer; keystrokes of exactly one viewer, the writer, go to the guest.
 *
 * <p>Write is arbitrated conserver-style: the first viewer to attach writes if nobody does; others watch, may ask
 * for write (queued in asking order), force it (the old writer is demoted and told by whom) or give it up. When
 * the writer leaves or gives up, the first viewer asking is promoted; if none is, everybody is told write is free.
 * Each such change is recorded to the hub's {@link ConsoleEvents}.
 *
 * <p>Threads: the keeper link's reader (the only appender), one pump per viewer, and the viewers' own session
 * threads calling {@link ConsoleViewer#type} and the write requests. The writer, the askers and the tty are
 * changed under this object's monitor; viewers are told of changes, and events recorded, after it is released,
 * on the thread that made the change. The viewer list is copy-on-write.
 */
public final class ConsoleHub {
    /**
     * How long the guest's output may wait for a viewer that has not read it yet before that viewer is let go
     * (and later told what it missed): viewers that keep up miss nothing, a stalled one costs a short pause.
     */
    private static final Duration HOLD_LIMIT = Duration.ofMillis(500);
    private final String guest;
    private final ConsoleSettings settings;
    private final ConsoleRing ring;
    private final ConsoleEvents events;
    /** Attached viewers in attach order. */
    private final List<ConsoleViewer> viewers = new CopyOnWriteArrayList<>();
    private GuestTty tty;
    private final LongConsumer skipped;
    /** Guarded by this: the one viewer whose keys reach the guest, or null. */
    private ConsoleViewer writer;
    /** Guarded by this: viewers asking for write, in asking order; never the writer. */
    private final Set<ConsoleViewer> askers = new LinkedHashSet<>();

    public ConsoleHub(String guest, ConsoleSettings settings, ConsoleEvents events) {
        this(guest, settings, events, bytes -> { });
    }

    /** {@code skipped} hears, on the viewers' pump threads, how many bytes each slow viewer skipped (a metric). */
    public ConsoleHub(String guest, ConsoleSettings settings, ConsoleEvents events, LongConsumer skipped) {
        this.guest = guest;
        this.skipped = skipped;
        this.settings = settings;
        this.ring = new ConsoleRing(settings.ringBytes(), HOLD_LIMIT);
        this.events = events;
    }

    public String guest() {
        return guest;
    }

    void skipped(long bytes) {
        skipped.accept(bytes);
    }

    ConsoleRing ring() {
        return ring;
    }

    /** Where the writer's keys and window size go from now on. */
    public synchronized void connect(GuestTty guestTty) {
        tty = guestTty;
    }

    /**
     * Output that did not reach the gateway in time (the keeper's log has it): viewers crossing that place are
     * told, counted with what they missed themselves.
     */
    public void lost(long bytes) {
        ring.gap(bytes);
    }

    /**
     * The guest's output, in order, from the one thread that receives it; every run continues the same ring.
     * Viewers that can take it at once get it on this thread (an echo does not wait for a pump to wake up).
     */
    public void append(byte[] bytes, int length) {
        ring.append(bytes, 0, length, () -> viewers.forEach(ConsoleViewer::express));
    }

    /** Adds a line of the gateway's own (a state change) to the console, for every viewer and the log. */
    public void announce(String line) {
        byte[] bytes = ("\r\n[yucon] " + line + "\r\n").getBytes(StandardCharsets.UTF_8);
        ring.append(bytes, 0, bytes.length);
    }

    /**
     * Attaches a viewer that first gets up to the configured replay of recent output, written on the caller's
     * thread before this returns. It becomes the writer when nobody writes yet and it may write. {@code changes}
     * hears of what others do to its role; it is called on their threads and must not block.
     */
    public ConsoleViewer attach(String who, ConsoleSink sink, boolean mayWrite, Consumer<RoleChange> changes) {
        long end = ring.end();
        long from = Math.max(ring.start(), end - settings.replayBytes());
        ConsoleViewer viewer = new ConsoleViewer(this, who, sink, from, mayWrite, changes);
        viewer.replay(end);
        viewers.add(viewer);
        boolean writes;
        synchronized (this) {
            if (writer == null && mayWrite) {
                writer = viewer;
            }
            writes = writer == viewer;
        }
        events.record(who, writes ? "attach writer" : "attach read-only");
        viewer.start();
        return viewer;
    }

    public int viewerCount() {
        return viewers.size();
    }

    public List<ConsoleViewer> viewers() {
        return List.copyOf(viewers);
    }

    /** Every viewer with its role, in attach order, as of one moment. */
    public synchronized List<Attendee> who() {
        List<Attendee> all = new ArrayList<>();
        for (ConsoleViewer viewer : viewers) {
            all.add(new Attendee(viewer, role(viewer)));
        }
        return all;
    }

    /** One line of {@link #who()}. */
    public record Attendee(ConsoleViewer viewer, Role role) {
    }

    /** A copy of the output the ring still holds, oldest first (for a replay of its last lines). */
    public byte[] heldOutput() {
        return ring.held();
    }

    synchronized ConsoleViewer writer() {
        return writer;
    }

    synchronized Role role(ConsoleViewer viewer) {
        return viewer == writer ? Role.WRITER : askers.contains(viewer) ? Role.ASKING : Role.READ_ONLY;
    }

    /** Write at once if nobody writes, else a place in the queue; returns the viewer's role afterwards. */
    Role ask(ConsoleViewer viewer) {
        Role role;
        synchronized (this) {
            if (viewer.mayWrite() && viewer != writer) {
                if (writer == null) {
                    writer = viewer;
                } else {
                    askers.add(viewer);
                }
            }
            role = role(viewer);
        }
        if (role != Role.READ_ONLY) {
            events.record(viewer.who(), role == Role.WRITER ? "ask write: granted" : "ask write: queued");
        }
        return role;
    }

    /** Takes write from whoever has it, who is told by whom; returns the viewer's role afterwards. */
    Role force(ConsoleViewer viewer) {
        ConsoleViewer demoted;
        synchronized (this) {
            if (!viewer.mayWrite() || viewer == writer) {
                return role(viewer);
            }
            demoted = writer;
            writer = viewer;
            askers.remove(viewer);
        }
        events.record(viewer.who(), demoted == null ? "force write" : "force write from " + demoted.who());
        if (demoted != null) {
            demoted.changed(new RoleChange(RoleChange.Kind.DEMOTED, viewer.who()));
        }
        return Role.WRITER;
    }

    /** Stops writing, or asking, and hands write on to the first viewer asking. */
    void giveUp(ConsoleViewer viewer) {
        Handover handover = withdraw(viewer);
        if (handover.wasWriter()) {
            events.record(viewer.who(), "give up write");
            handedOver(viewer, handover.next());
        }
    }

    /**
     * Whether the viewer's login may write from now on (its rights changed while it watched). One that may no longer
     * write leaves the queue and write at once, which goes to the first viewer asking; its owner tells it.
     */
    void permit(ConsoleViewer viewer, boolean mayWrite) {
        Handover handover;
        synchronized (this) {
            viewer.mayWrite(mayWrite);
            if (mayWrite) {
                return;
            }
            handover = withdraw(viewer);
        }
        events.record(viewer.who(), "write revoked");
        if (handover.wasWriter()) {
            handedOver(viewer, handover.next());
        }
    }

    /** The one way out for a viewer (tmux's server_client_lost): it leaves the list, the queue and write. */
    void leave(ConsoleViewer viewer) {
        viewers.remove(viewer);
        Handover handover = withdraw(viewer);
        events.record(viewer.who(), "detach");
        if (handover.wasWriter()) {
            handedOver(viewer, handover.next());
        }
    }

    /** What {@link #withdraw} did: whether the viewer wrote, and who writes after it (maybe nobody). */
    private record Handover(boolean wasWriter, ConsoleViewer next) {
    }

    /** Takes a viewer out of the queue and out of write; the first viewer asking writes next. */
    private synchronized Handover withdraw(ConsoleViewer viewer) {
        askers.remove(viewer);
        boolean wasWriter = viewer == writer;
        return new Handover(wasWriter, wasWriter ? promoteFirstAsker() : null);
    }

    /** Caller holds the monitor: the first viewer asking becomes the writer, or nobody does. */
    private ConsoleViewer promoteFirstAsker() {
        Iterator<ConsoleViewer> first = askers.iterator();
        writer = first.hasNext() ? first.next() : null;
        if (writer != null) {
            first.remove();
        }
        return writer;
    }

    /** Tells whom it concerns that {@code from} stopped writing and {@code to} (maybe nobody) writes now. */
    private void handedOver(ConsoleViewer from, ConsoleViewer to) {
        if (to != null) {
            events.record(to.who(), "promoted after " + from.who());
            to.changed(new RoleChange(RoleChange.Kind.PROMOTED, from.who()));
            return;
        }
        RoleChange vacant = new RoleChange(RoleChange.Kind.VACANT, from.who());
        for (ConsoleViewer viewer : viewers) {
            if (viewer != from) {
                viewer.changed(vacant);
            }
        }
    }

    void input(ConsoleViewer from, byte[] bytes, int offset, int length) throws IOException {
        GuestTty target = ttyFor(from);
        if (target != null) {
            target.write(bytes, offset, length);
        }
    }

    /** Like {@link #input}, but only if the keys go to the guest at once; false when nothing was sent. */
    boolean offerInput(ConsoleViewer from, byte[] bytes, int offset, int length) throws IOException {
        GuestTty target = ttyFor(from);
        return target != null && target.offer(bytes, offset, length);
    }

    void resize(ConsoleViewer from, int columns, int rows) throws IOException {
        GuestTty target = ttyFor(from);
        if (target != null) {
            target.resize(columns, rows);
        }
    }

    /** The tty, for the writer only: a read-only viewer's keys and size never reach the guest. */
    private synchronized GuestTty ttyFor(ConsoleViewer viewer) {
        return writer == viewer ? tty : null;
    }
}
