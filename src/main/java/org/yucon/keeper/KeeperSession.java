package org.yucon.keeper;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.console.ConsoleSink;
import org.yucon.console.RingPump;
import org.yucon.util.UnixStreams;

/**
 * One gateway link to one guest inside the keeper: a pump sends the guest's output (through its own reader of
 * the ring, so a gateway that keeps up misses nothing and one that hangs is let go after the keeper's hold
 * limit); this connection's thread takes keystrokes and window sizes to the guest. Frames are written by the pump and the exit watcher under the output stream's lock.
 */
final class KeeperSession implements ConsoleSink {
    private static final Logger log = LoggerFactory.getLogger(KeeperSession.class);

    private final KeptGuest guest;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final SocketChannel channel;

    KeeperSession(KeptGuest guest, SocketChannel channel, DataInputStream in) {
        this.guest = guest;
        this.channel = channel;
        this.in = in;
        this.out = new DataOutputStream(UnixStreams.out(channel));
    }

    /** Serves the link on the calling thread until the gateway closes it. */
    void serve(long backlog, String guestName) throws IOException {
        long end = guest.ring().end();
        long from = Math.max(guest.ring().start(), end - Math.max(0, backlog));
        RingPump pump = new RingPump("keeper-link-" + guestName, guest.ring().reader(from), this, e -> close());
        guest.linked(this);
        pump.start();
        try {
            while (true) {
                byte type = in.readByte();
                if (type == KeeperProtocol.INPUT) {
                    guest.input(KeeperProtocol.readFrameBytes(in));
                } else if (type == KeeperProtocol.RESIZE) {
                    guest.resize(in.readInt(), in.readInt());
                } else {
                    throw new IOException("unknown frame type " + type);
                }
            }
        } finally {
            guest.unlinked(this);
            pump.stop();
        }
    }

    @Override
    public void output(byte[] bytes, int length) throws IOException {
        synchronized (out) {
            out.writeByte(KeeperProtocol.DATA);
            out.writeInt(length);
            out.write(bytes, 0, length);
            out.flush();
        }
    }

    @Override
    public void missed(long bytes) throws IOException {
        synchronized (out) {
            out.writeByte(KeeperProtocol.MISSED);
            out.writeLong(bytes);
            out.flush();
        }
    }

    void exited(int status) {
        try {
            synchronized (out) {
                out.writeByte(KeeperProtocol.EXITED);
                out.writeInt(status);
                out.flush();
            }
        } catch (IOException e) {
            log.debug("could not report an exit to a gateway: {}", e.toString());
        }
    }

    private void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing a link: {}", e.toString());
        }
    }
}
