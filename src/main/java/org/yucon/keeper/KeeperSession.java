package org.yucon.keeper;

import java.io.DataInputStream;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.console.ConsoleSink;
import org.yucon.console.RingPump;

/**
 * One gateway link to one guest inside the keeper: a pump sends the guest's output (through its own reader of
 * the ring, so a gateway that keeps up misses nothing and one that hangs is let go after the keeper's hold
 * limit), except a small amount the guest's console reader can hand over at once ({@link #express}); this
 * connection's thread takes keystrokes and window sizes to the guest. Frames go out whole, whoever sends them.
 */
final class KeeperSession implements ConsoleSink {
    private static final Logger log = LoggerFactory.getLogger(KeeperSession.class);

    private final KeptGuest guest;
    private final KeeperSocket socket;
    /** Set by {@link #serve} before the session is linked to the guest, who only then calls {@link #express}. */
    private volatile RingPump pump;

    KeeperSession(KeptGuest guest, KeeperSocket socket) {
        this.guest = guest;
        this.socket = socket;
    }

    /** Serves the link on the calling thread until the gateway closes it. */
    void serve(long backlog, String guestName) throws IOException {
        long end = guest.ring().end();
        long from = Math.max(guest.ring().start(), end - Math.max(0, backlog));
        pump = new RingPump("keeper-link-" + guestName, guest.ring().reader(from), this, e -> socket.close());
        guest.linked(this);
        pump.start();
        DataInputStream in = socket.in();
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

    /** On the guest's console reader, right after an append: see {@link RingPump#express}. */
    void express() {
        pump.express();
    }

    @Override
    public void output(byte[] bytes, int length) throws IOException {
        socket.send(out -> KeeperProtocol.writeFrame(out, KeeperProtocol.DATA, bytes, 0, length));
    }

    @Override
    public boolean offer(byte[] bytes, int length) throws IOException {
        return socket.offer(out -> KeeperProtocol.writeFrame(out, KeeperProtocol.DATA, bytes, 0, length));
    }

    @Override
    public void missed(long bytes) throws IOException {
        socket.send(out -> {
            out.writeByte(KeeperProtocol.MISSED);
            out.writeLong(bytes);
        });
    }

    void exited(int status) {
        try {
            socket.send(out -> {
                out.writeByte(KeeperProtocol.EXITED);
                out.writeInt(status);
            });
        } catch (IOException e) {
            log.debug("could not report an exit to a gateway: {}", e.toString());
        }
    }
}
