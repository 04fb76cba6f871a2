package org.yucon.keeper;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.console.GuestTty;
import org.yucon.util.UnixStreams;

/**
 * The gateway's end of one guest's console in the keeper: a reader thread hands everything the keeper sends to
 * a {@link Listener}; keystrokes and window sizes go the other way, written under the stream's lock.
 */
public final class KeeperLink implements GuestTty, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeeperLink.class);

    /** Called on the link's reader thread, in the order the keeper sent things. */
    public interface Listener {
        void output(byte[] bytes, int length);

        void missed(long bytes);

        void exited(int status);

        /** The keeper went away (or the link broke); nothing more will come. */
        void lost(IOException cause);
    }

    private final SocketChannel channel;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Listener listener;
    private final Thread reader;
    /** Set by {@link #close}: the link's end is then ours, not news for the listener. */
    private volatile boolean closed;

    KeeperLink(String guest, SocketChannel channel, DataInputStream in, DataOutputStream out, Listener listener) {
        this.channel = channel;
        this.in = in;
        this.out = out;
        this.listener = listener;
        this.reader = new Thread(this::read, "keeper-link-" + guest);
        reader.setDaemon(true);
    }

    void start() {
        reader.start();
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        synchronized (out) {
            out.writeByte(KeeperProtocol.INPUT);
            out.writeInt(length);
            out.write(bytes, offset, length);
            out.flush();
        }
    }

    @Override
    public void resize(int columns, int rows) throws IOException {
        synchronized (out) {
            out.writeByte(KeeperProtocol.RESIZE);
            out.writeInt(columns);
            out.writeInt(rows);
            out.flush();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing a keeper link: {}", e.toString());
        }
    }

    private void read() {
        try {
            while (true) {
                byte type = in.readByte();
                if (type == KeeperProtocol.DATA) {
                    byte[] bytes = KeeperProtocol.readFrameBytes(in);
                    listener.output(bytes, bytes.length);
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
