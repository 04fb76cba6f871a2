package org.yucon.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.yucon.config.ConsoleSettings;

/**
 * The console of one guest, shared: whatever the guest prints goes into a ring (replayed on attach) and on to
 * every viewer; keystrokes of exactly one viewer, the writer, go to the guest.
 *
 * <p>Threads: the keeper link's reader (the only appender), one pump per viewer, and the viewers' own session
 * threads calling {@link ConsoleViewer#type}. The writer and the tty are swapped under this object's monitor;
 * the viewer list is copy-on-write.
 */
public final class ConsoleHub {
    private final String guest;
    private final ConsoleSettings settings;
    private final ConsoleRing ring;
    private final List<ConsoleViewer> viewers = new CopyOnWriteArrayList<>();
    private GuestTty tty;
    private ConsoleViewer writer;

    public ConsoleHub(String guest, ConsoleSettings settings) {
        this.guest = guest;
        this.settings = settings;
        this.ring = new ConsoleRing(settings.ringBytes());
    }

    public String guest() {
        return guest;
    }

    ConsoleRing ring() {
        return ring;
    }

    /** Where the writer's keys and window size go from now on. */
    public synchronized void connect(GuestTty guestTty) {
        tty = guestTty;
    }

    /** The guest's output, in order, from the one thread that receives it; every run continues the same ring. */
    public void append(byte[] bytes, int length) {
        ring.append(bytes, 0, length);
    }

    /** Adds a line of the gateway's own (a state change) to the console, for every viewer and the log. */
    public void announce(String line) {
        byte[] bytes = ("\r\n[yucon] " + line + "\r\n").getBytes(StandardCharsets.UTF_8);
        ring.append(bytes, 0, bytes.length);
    }

    /**
     * Attaches a consumer that first gets up to the configured replay of recent output. It becomes the writer
     * when nobody writes yet and it may write.
     */
    public ConsoleViewer attach(String who, ConsoleSink sink, boolean mayWrite) {
        long end = ring.end();
        long from = Math.max(ring.start(), end - settings.replayBytes());
        ConsoleViewer viewer = new ConsoleViewer(this, who, sink, from);
        viewers.add(viewer);
        synchronized (this) {
            if (writer == null && mayWrite) {
                writer = viewer;
            }
        }
        viewer.start();
        return viewer;
    }

    public int viewerCount() {
        return viewers.size();
    }

    public List<ConsoleViewer> viewers() {
        return List.copyOf(viewers);
    }

    synchronized ConsoleViewer writer() {
        return writer;
    }

    void leave(ConsoleViewer viewer) {
        viewers.remove(viewer);
        synchronized (this) {
            if (writer == viewer) {
                writer = null;
            }
        }
    }

    void input(ConsoleViewer from, byte[] bytes, int offset, int length) throws IOException {
        GuestTty target = ttyFor(from);
        if (target != null) {
            target.write(bytes, offset, length);
        }
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
