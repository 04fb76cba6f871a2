package org.yucon.web;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.yucon.control.ViewerLines;
import org.yucon.control.ViewerSink;
import org.yucon.recording.Recording;

/**
 * A console viewer's WebSocket: output goes out as {@link ConsoleProtocol#OUTPUT} frames, and only while fewer than
 * {@value #WINDOW} bytes sent wait for the page's acknowledgement, which xterm.js gives once it has rendered them
 * (its write callback). So the gateway sends no faster than the terminal renders, the page holds at most that much,
 * and a tab that stops reading (hidden, paused, slow) is a slow viewer like an SSH one: its pump waits here, the
 * guest's output goes on into the ring, and when it falls behind the ring the hub says how much it skipped.
 *
 * <p>Lines of the gateway's own and output share one lock and one order, as in the SSH channel's sink. The pump
 * thread waits in {@link #output}; Jetty's threads call {@link #acknowledged}, {@link #pause} and {@link #resume};
 * the session's steps call the rest.
 */
final class SocketSink implements ViewerSink {
    /** Bytes sent and not yet rendered by the page: the page's buffer, and so its memory, is bounded by this. */
    static final int WINDOW = 256 << 10;

    /** Sends one frame; Jetty queues it (the window bounds what can be queued). */
    private final Consumer<ByteBuffer> frames;
    private final Object lock = new Object();
    /** Guarded by lock. */
    private long unacknowledged;
    private boolean held;
    private boolean paused;
    private boolean closed;
    /** Guarded by lock: lines told while held, in order. */
    private final List<byte[]> waiting = new ArrayList<>();

    /** What the page is shown, as it goes out. */
    private final Recording recording;

    SocketSink(Consumer<ByteBuffer> frames, Recording recording) {
        this.frames = frames;
        this.recording = recording;
    }

    /** The sink of a Jetty WebSocket: frames are sent without waiting. */
    static SocketSink of(Session socket, Recording recording) {
        return new SocketSink(frame -> socket.sendBinary(frame, Callback.NOOP), recording);
    }

    @Override
    public boolean offer(byte[] bytes, int length) throws IOException {
        synchronized (lock) {
            if (held || paused || closed || unacknowledged + length > WINDOW) {
                return false;
            }
            send(bytes, length);
            return true;
        }
    }

    /** On the pump thread: waits while the page has not rendered a window's worth, is paused, or the sink is held. */
    @Override
    public void output(byte[] bytes, int length) throws IOException {
        synchronized (lock) {
            while (!closed && (held || paused || unacknowledged >= WINDOW)) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("detached while the page was behind");
                }
            }
            if (closed) {
                throw new IOException("the page's WebSocket is closed");
            }
            send(bytes, length);
        }
    }

    @Override
    public void missed(long bytes) throws IOException {
        tell(ViewerLines.missed(bytes));
    }

    @Override
    public void tell(String... lines) throws IOException {
        line(ViewerLines.told(lines));
    }

    @Override
    public void replay(byte[] output, String what) throws IOException {
        line(ViewerLines.replay(output, what));
    }

    @Override
    public void hold() {
        synchronized (lock) {
            held = true;
        }
    }

    @Override
    public void release() {
        synchronized (lock) {
            held = false;
            lock.notifyAll();
            for (byte[] line : waiting) {
                send(line, line.length);
            }
            waiting.clear();
        }
    }

    /** The page rendered {@code bytes} more: the pump may go on. On a Jetty thread. */
    void acknowledged(long bytes) {
        synchronized (lock) {
            unacknowledged = Math.max(0, unacknowledged - bytes);
            lock.notifyAll();
        }
    }

    /** The page asks for no output until {@link #resume} (its scroll lock); the guest runs on meanwhile. */
    void pause() {
        synchronized (lock) {
            paused = true;
        }
    }

    void resume() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
        }
    }

    /** The socket closed: a pump waiting here stops. */
    void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }


    /** Lines never wait for the window (they are few and short: one per command typed), only for a hold. */
    private void line(byte[] bytes) {
        synchronized (lock) {
            if (held) {
                waiting.add(bytes);
            } else {
                send(bytes, bytes.length);
            }
        }
    }

    /** Caller holds the lock. */
    private void send(byte[] bytes, int length) {
        if (closed) {
            return;
        }
        unacknowledged += length;
        frames.accept(ConsoleProtocol.frame(ConsoleProtocol.OUTPUT, bytes, length));
        recording.shown(bytes, length);
    }
}
