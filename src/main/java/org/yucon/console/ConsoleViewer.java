package org.yucon.console;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH viewer of a guest's console. It has its own reader of the hub's ring and its own pump thread: while it
 * keeps up, the guest's output waits for it; when it stalls it is let go after one short pause, falls behind and
 * is told how much it missed (see {@link ConsoleRing}); it never holds up anybody else for longer.
 *
 * <p>Its role (writer, asking, read-only) is kept by the hub; the write requests here are made by the viewer's
 * session, one at a time. {@link #detach} is the one way out, whoever notices first that the viewer is gone.
 */
public final class ConsoleViewer {
    private static final Logger log = LoggerFactory.getLogger(ConsoleViewer.class);

    private final ConsoleHub hub;
    private final String who;
    private final Instant since = Instant.now();
    /** Guarded by the hub's monitor: whether this viewer's login may write, which can change while it watches. */
    private boolean mayWrite;
    private final Consumer<RoleChange> changes;
    private final ConsoleSink sink;
    private final RingPump pump;
    /** Set once, by whichever thread detaches first. */
    private final AtomicBoolean open = new AtomicBoolean(true);

    ConsoleViewer(ConsoleHub hub, String who, ConsoleSink sink, long cursor, boolean mayWrite, Consumer<RoleChange> changes) {
        this.hub = hub;
        this.who = who;
        this.mayWrite = mayWrite;
        this.changes = changes;
        this.sink = sink;
        this.pump = new RingPump("console-" + hub.guest() + "-" + who, hub.ring().reader(cursor), new Skips(sink, hub),
                this::gone);
    }

    /**
     * Sends the output from the cursor up to {@code end} on the caller's thread, before {@link #start}: whatever
     * the caller writes to the sink next (a line about the viewer's role) comes after the replay, not under it.
     * Terminal queries are left out ({@link QueryFilter}): this viewer's terminal would answer them into the guest.
     * A sequence the replay ends in the middle of goes out as it is, for the live output to finish. A sink that
     * fails here fails again in the pump, which then detaches the viewer.
     */
    void replay(long end) {
        Replay replay = new Replay(sink);
        try {
            pump.catchUp(end, replay);
            replay.end();
        } catch (IOException e) {
            log.debug("console viewer {} of {} gone during the replay: {}", who, hub.guest(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void start() {
        pump.start();
    }

    /** On the thread that appended: sends the new output at once if that cannot block (see {@link RingPump#express}). */
    void express() {
        pump.express();
    }

    public String who() {
        return who;
    }

    public Instant since() {
        return since;
    }

    /** True while this viewer may type into the guest. */
    public boolean isWriter() {
        return hub.writer() == this;
    }

    public Role role() {
        return hub.role(this);
    }

    /** False for viewers that may only watch: they can neither ask for write nor force it. Under the hub's monitor. */
    boolean mayWrite() {
        return mayWrite;
    }

    /** Caller holds the hub's monitor. */
    void mayWrite(boolean may) {
        mayWrite = may;
    }

    /**
     * Sends keystrokes to the guest if this viewer is the writer. A read-only viewer's keys are dropped here,
     * before they come near the guest, and false says so (the hub checks again, under its lock, for a writer
     * demoted meanwhile).
     */
    public boolean type(byte[] bytes, int offset, int length) throws IOException {
        if (!isWriter()) {
            return false;
        }
        hub.input(this, bytes, offset, length);
        return true;
    }

    /**
     * Sends keystrokes to the guest if this viewer writes and they go at once, without waiting for anything; false
     * when nothing was sent (then {@link #type} them).
     */
    public boolean offer(byte[] bytes, int offset, int length) throws IOException {
        return hub.offerInput(this, bytes, offset, length);
    }

    /** Writes at once if nobody does, else joins the queue; the role afterwards. */
    public Role askWrite() {
        return hub.ask(this);
    }

    /** Takes write from the writer, who is told by whom; the role afterwards. */
    public Role forceWrite() {
        return hub.force(this);
    }

    /** Stops writing or asking; the first viewer asking, if any, writes next. */
    public void giveUpWrite() {
        hub.giveUp(this);
    }

    /**
     * This viewer's login may write from now on, or may no longer: one that may not stops writing and asking at once,
     * and write goes on as if it had given it up.
     */
    public void permitWrite(boolean may) {
        hub.permit(this, may);
    }

    /** Tells this viewer's owner what somebody else did to its role. */
    void changed(RoleChange change) {
        changes.accept(change);
    }

    /**
     * Its owner shows something else for a while (the menu): the guest does not wait for this viewer, which
     * catches up afterwards (told what it missed, if it fell that far behind).
     */
    public void away() {
        pump.away();
    }

    public void resize(int columns, int rows) throws IOException {
        hub.resize(this, columns, rows);
    }

    /**
     * Stops the pump and leaves the hub, handing write on if this viewer had it: the one teardown path for
     * detaching, a closed channel and a client that vanished under the pump. Waits briefly for the pump to finish a write under way, so that what
     * the session draws next is not followed by a late piece of console output.
     */
    public void detach() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        hub.leave(this);
        pump.stop();
    }

    /** The live sink, telling the hub what this viewer skipped (for the metrics) before telling the viewer. */
    private record Skips(ConsoleSink sink, ConsoleHub hub) implements ConsoleSink {
        @Override
        public void output(byte[] bytes, int length) throws IOException {
            sink.output(bytes, length);
        }

        @Override
        public void missed(long bytes) throws IOException {
            hub.skipped(bytes);
            sink.missed(bytes);
        }

        @Override
        public boolean offer(byte[] bytes, int length) throws IOException {
            return sink.offer(bytes, length);
        }
    }

    /** The sink during a replay: what passes the filter goes on to it. */
    private static final class Replay implements ConsoleSink {
        private final ConsoleSink sink;
        private final QueryFilter filter = new QueryFilter();

        Replay(ConsoleSink sink) {
            this.sink = sink;
        }

        @Override
        public void output(byte[] bytes, int length) throws IOException {
            byte[] passed = filter.filter(bytes, 0, length);
            if (passed.length > 0) {
                sink.output(passed, passed.length);
            }
        }

        @Override
        public void missed(long bytes) throws IOException {
            sink.missed(bytes);
        }

        /** Sends what the filter holds: the live output that follows finishes it. */
        void end() throws IOException {
            byte[] unfinished = filter.unfinished();
            if (unfinished.length > 0) {
                sink.output(unfinished, unfinished.length);
            }
        }
    }

    private void gone(IOException cause) {
        log.debug("console viewer {} of {} gone: {}", who, hub.guest(), cause.toString());
        detach();
    }
}
