package org.yucon.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.ConsoleSettings;

/**
 * The console of one guest, shared: whatever the guest prints goes into a ring (replayed on attach) and on to
 * every viewer; keystrokes of exactly one viewer, the writer, go to the guest.
 *
 * <p>Threads: one reader per run of the guest (the only appender), one pump per viewer, and the viewers' own
 * session threads calling {@link ConsoleViewer#type}. The writer and the port are swapped under this object's
 * monitor; the viewer list is copy-on-write.
 */
public final class ConsoleHub {
    private static final Logger log = LoggerFactory.getLogger(ConsoleHub.class);

    private final String guest;
    private final ConsoleSettings settings;
    private final ConsoleRing ring;
    private final List<ConsoleViewer> viewers = new CopyOnWriteArrayList<>();
    private ConsolePort port;
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

    /** Starts reading a new run of the guest; its output continues the same ring, so viewers see the boot. */
    public void connect(ConsolePort newPort) {
        synchronized (this) {
            port = newPort;
        }
        Thread reader = new Thread(() -> drain(newPort), "console-reader-" + guest);
        reader.setDaemon(true);
        reader.start();
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

    /** Attaches the log: it starts at the current end, replays nothing and never writes. */
    public ConsoleViewer attachLog(ConsoleSink file) {
        ConsoleViewer viewer = new ConsoleViewer(this, "log", file, ring.end());
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
        ConsolePort target;
        synchronized (this) {
            if (writer != from || port == null) {
                return;
            }
            target = port;
        }
        target.write(bytes, offset, length);
    }

    void resize(ConsoleViewer from, int columns, int rows) {
        ConsolePort target;
        synchronized (this) {
            if (writer != from || port == null) {
                return;
            }
            target = port;
        }
        target.resize(columns, rows);
    }

    private void drain(ConsolePort source) {
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n = source.read(buffer); n > 0; n = source.read(buffer)) {
                ring.append(buffer, 0, n);
            }
        } finally {
            source.close();
            synchronized (this) {
                if (port == source) {
                    port = null;
                }
            }
            log.debug("console of {} closed", guest);
        }
    }
}
