package org.yucon.keeper;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import org.yucon.console.GuestTty;
import org.yucon.console.OutputThread;

/**
 * The gateway's end of one guest's console in the keeper: a reader thread hands everything the keeper sends to
 * a {@link Listener}; keystrokes and window sizes go the other way, from whichever thread has them.
 */
public final class KeeperLink implements GuestTty, AutoCloseable {
    /** Called on the link's reader thread, in the order the keeper sent things. */
    public interface Listener {
        /** The bytes are the link's own again once this returns. */
        void output(byte[] bytes, int length);

        void missed(long bytes);

        void exited(int status);

        /** The keeper went away (or the link broke); nothing more will come. */
        void lost(IOException cause);
    }

    private final KeeperSocket socket;
    private final Listener listener;
    private final Thread reader;
    /** Set by {@link #close}: the link's end is then ours, not news for the listener. */
    private volatile boolean closed;

    KeeperLink(String guest, KeeperSocket socket, Listener listener) {
        this.socket = socket;
        this.listener = listener;
        this.reader = new OutputThread(this::read, "keeper-link-" + guest);
    }

    void start() {
        reader.start();
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        socket.send(out -> KeeperProtocol.writeFrame(out, KeeperProtocol.INPUT, bytes, offset, length));
    }

    @Override
    public boolean offer(byte[] bytes, int offset, int length) throws IOException {
        return socket.offer(out -> KeeperProtocol.writeFrame(out, KeeperProtocol.INPUT, bytes, offset, length));
    }

    @Override
    public void resize(int columns, int rows) throws IOException {
        socket.send(out -> {
            out.writeByte(KeeperProtocol.RESIZE);
            out.writeInt(columns);
            out.writeInt(rows);
        });
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
    }

    private void read() {
        DataInputStream in = socket.in();
        // One buffer for all frames, grown to the largest: a flood is some thousands of frames a second.
        byte[] frame = new byte[32 * 1024];
        try {
            while (true) {
                byte type = in.readByte();
                if (type == KeeperProtocol.DATA) {
                    int length = KeeperProtocol.readFrameLength(in);
                    if (length > frame.length) {
                        frame = new byte[length];
                    }
                    in.readFully(frame, 0, length);
                    listener.output(frame, length);
                } else if (type == KeeperProtocol.MISSED) {
                    listener.missed(in.readLong());
                } else if (type == KeeperProtocol.EXITED) {
                    listener.exited(in.readInt());
                } else {
                    throw new IOException("the keeper sent an unknown frame type " + type);
                }
            }
        } catch (EOFException e) {
            if (!closed) {
                listener.lost(new IOException("the console keeper closed the link"));
            }
        } catch (IOException e) {
            if (!closed) {
                listener.lost(e);
            }
        }
    }
}
