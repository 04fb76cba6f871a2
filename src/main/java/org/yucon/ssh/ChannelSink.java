package org.yucon.ssh;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.yucon.control.ViewerLines;
import org.yucon.control.ViewerSink;
import org.yucon.recording.Recording;

/**
 * A console viewer's SSH channel. Console output and the gateway's own lines ({@link #tell}) share the channel's
 * stream under one lock, so a line never lands inside a chunk of output.
 *
 * <p>While something else has the screen (the menu, the log pager) the sink is {@linkplain #hold held}: the pump
 * waits inside {@link #output} with its cursor where it was, the guest's output keeps going into the ring, and on
 * {@link #release} the viewer catches up from where it stopped. Lines told meanwhile wait and come first.
 *
 * <p>Output goes out only while few of the channel's packets wait in MINA's queue ({@link PacketsInFlight}): an
 * offer only when none does, the pump once fewer than {@value #PACKETS_AHEAD} do; what the guest prints meanwhile
 * waits in the ring and goes in the pump's next, bigger write.
 */
final class ChannelSink implements ViewerSink {
    /** One packet on its way to the socket while the pump prepares the next: the pump never waits on an idle socket. */
    private static final int PACKETS_AHEAD = 2;

    private final OutputStream out;
    /** Bytes the client's window takes now: what the channel can send without waiting. */
    private final LongSupplier window;
    private final PacketsInFlight inFlight;
    /** Records what went out on the channel, in the channel's order; never waits. */
    private final Recording recording;
    private final Object lock = new Object();
    /** Guarded by lock: written by the session's steps, waited on by the pump. */
    private boolean held;
    /** Guarded by lock: lines told while held, in order. */
    private final List<byte[]> waiting = new ArrayList<>();

    ChannelSink(OutputStream out, LongSupplier window, PacketsInFlight inFlight, Recording recording) {
        this.out = out;
        this.window = window;
        this.inFlight = inFlight;
        this.recording = recording;
    }

    /**
     * Not while held or while packets wait to go out; otherwise if the client's window takes it all, so that MINA
     * does not wait for the client. Under the lock the window can only shrink by our own writes, so the check holds
     * for the write.
     */
    @Override
    public boolean offer(byte[] bytes, int length) throws IOException {
        synchronized (lock) {
            if (held || inFlight.packets() > 0 || window.getAsLong() < length) {
                return false;
            }
            write(bytes, length);
            return true;
        }
    }

    /** On the pump thread: blocks while the client is slow to take what was sent, and while the sink is held. */
    @Override
    public void output(byte[] bytes, int length) throws IOException {
        inFlight.awaitFewerThan(PACKETS_AHEAD);
        synchronized (lock) {
            while (held) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("detached while the console was held");
                }
            }
            write(bytes, length);
        }
    }

    @Override
    public void missed(long bytes) throws IOException {
        tell(ViewerLines.missed(bytes));
    }

    /**
     * Lines of the gateway's own, set apart from the guest's output ({@link ViewerLines}: they may quote a guest's
     * kernel); never blocks on a held sink.
     */
    @Override
    public void tell(String... lines) throws IOException {
        send(ViewerLines.told(lines));
    }

    /** Console output shown again, between two lines that say so. */
    @Override
    public void replay(byte[] output, String what) throws IOException {
        send(ViewerLines.replay(output, what));
    }

    /** Stops console output until {@link #release}; returns once output under way is written. */
    @Override
    public void hold() {
        synchronized (lock) {
            held = true;
        }
    }

    /** Writes the lines told meanwhile, then lets the pump catch up. */
    @Override
    public void release() throws IOException {
        synchronized (lock) {
            held = false;
            lock.notifyAll();
            for (byte[] line : waiting) {
                write(line, line.length);
            }
            waiting.clear();
        }
    }

    private void send(byte[] bytes) throws IOException {
        synchronized (lock) {
            if (held) {
                waiting.add(bytes);
            } else {
                write(bytes, bytes.length);
            }
        }
    }

    /**
     * Caller holds the lock. MINA may fail a write with an unchecked exception, also from the completion of an
     * earlier write that the writing thread runs (see {@code DirectNio2Transport}): that is this channel's failure,
     * not the thread's, which serves the guest's other viewers too.
     */
    private void write(byte[] bytes, int length) throws IOException {
        try {
            out.write(bytes, 0, length);
            out.flush();
        } catch (RuntimeException e) {
            throw new IOException("the SSH channel failed: " + e, e);
        }
        recording.shown(bytes, length);
    }
}
