package org.yucon.keeper;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.yucon.util.ProcessUser;

/**
 * One connection between the gateway and the keeper, either end: one thread reads it while others write whole
 * messages to it. Non-blocking underneath, so that a thread that must never wait (MINA's I/O thread with a
 * keystroke, the keeper's console reader with an echo) can {@link #offer} a small message: sent now, or not at all.
 * Waits for the socket happen in selectors of its own, one for the reader and one for the writers.
 *
 * <p>A connection for one request and its answer may bound each wait ({@code stallLimit}): a stopped or hung keeper
 * then costs the asking thread that long, not forever. A console link waits without a bound (a quiet guest sends
 * nothing for hours).
 *
 * <p>Threads: {@link #in} belongs to the one reading thread (so does the readable selector); the outgoing buffer
 * and the writable selector are guarded by {@link #writing}; {@link #close} may come from any thread.
 */
final class KeeperSocket implements Closeable {
    /** What one message is: written to the socket's buffer, which goes out whole once it returns. */
    interface Message {
        void writeTo(DataOutputStream out) throws IOException;
    }

    private static final int BUFFER = 64 * 1024;
    /**
     * The most an offer sends: a keystroke's frame or an echo's is far smaller. Linux sends a write on a Unix stream
     * socket whole or not at all only up to one socket buffer (some 36 KB); a paste goes with {@link #send}.
     */
    static final int OFFER_BYTES = 4096;
    /** How long a connect tries again while the keeper's listen backlog is full. */
    private static final Duration CONNECT_WITHIN = Duration.ofSeconds(5);
    private static final Duration CONNECT_RETRY = Duration.ofMillis(20);

    private final SocketChannel channel;
    /** How long one wait for the socket may last; empty: as long as it takes. */
    private final Optional<Duration> stallLimit;
    private final Selector readable;
    private final Selector writable;
    private final ReentrantLock writing = new ReentrantLock();
    private final Outgoing outgoing = new Outgoing();
    private final DataOutputStream out = new DataOutputStream(outgoing);
    private final Incoming incoming = new Incoming();
    private final DataInputStream in = new DataInputStream(incoming);

    KeeperSocket(SocketChannel channel) throws IOException {
        this(channel, Optional.empty());
    }

    private KeeperSocket(SocketChannel channel, Optional<Duration> stallLimit) throws IOException {
        this.channel = channel;
        this.stallLimit = stallLimit;
        try {
            channel.configureBlocking(false);
            readable = Selector.open();
            writable = Selector.open();
            channel.register(readable, SelectionKey.OP_READ);
            channel.register(writable, SelectionKey.OP_WRITE);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /**
     * Connects to the keeper at {@code socket}, if it runs as {@code user}; another user's listener is refused. The
     * connect does not block: a stopped keeper's full backlog would hold a blocking connect forever. A full backlog
     * is tried again for up to {@link #CONNECT_WITHIN} (a hundred guests attach at once at a gateway's start), then
     * an error. Each later wait for the socket lasts at most {@code stallLimit}, if given.
     */
    static KeeperSocket connect(Path socket, ProcessUser user, Optional<Duration> stallLimit) throws IOException {
        long deadline = System.nanoTime() + CONNECT_WITHIN.toNanos();
        while (true) {
            try {
                return connectOnce(socket, user, stallLimit);
            } catch (IOException e) {
                if (!backlogFull(e) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                pause();
            }
        }
    }

    /** EAGAIN is how Linux refuses a non-blocking connect to a Unix socket whose listen backlog is full. */
    private static boolean backlogFull(IOException e) {
        return !(e instanceof ForeignKeeperException) && String.valueOf(e.getMessage()).contains("temporarily unavailable");
    }

    private static void pause() throws InterruptedIOException {
        try {
            Thread.sleep(CONNECT_RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the console keeper's backlog was full");
        }
    }

    private static KeeperSocket connectOnce(Path socket, ProcessUser user, Optional<Duration> stallLimit) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.configureBlocking(false);
            if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
                // Linux completes a Unix socket's connect at once or refuses it; never seen pending.
                throw new IOException("the connection to " + socket + " did not complete at once");
            }
            Optional<UserPrincipal> stranger = user.stranger(channel);
            if (stranger.isPresent()) {
                throw new ForeignKeeperException("the console keeper's socket " + socket + " is served by "
                        + stranger.get().getName() + ", not by " + user.name() + ": another user put it there; remove it,"
                        + " and see who may write to " + socket.getParent());
            }
            return new KeeperSocket(channel, stallLimit);
        } catch (IOException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** For the one thread that reads this connection. */
    DataInputStream in() {
        return in;
    }

    /**
     * Between a request read whole and its answer, on the reading thread: whether the asker has closed the connection
     * meanwhile (gave up waiting), so that what it asked for need not be done.
     */
    boolean askerGone() {
        return incoming.ended();
    }

    /** Sends a message, waiting for room in the socket as long as it takes. */
    void send(Message message) throws IOException {
        writing.lock();
        try {
            message.writeTo(out);
            outgoing.drain();
        } finally {
            writing.unlock();
        }
    }

    /**
     * Sends a small message now if that needs no waiting, and says whether it did; nothing is sent otherwise (another
     * writer is at it, the socket is full, or the message is more than {@value #OFFER_BYTES} bytes). Linux takes a
     * write this small on a Unix stream socket whole or not at all (one buffer is allocated for it, or none), so what
     * follows a first write that took anything does not wait.
     */
    boolean offer(Message message) throws IOException {
        if (!writing.tryLock()) {
            return false;
        }
        try {
            message.writeTo(out);
            if (outgoing.size() > OFFER_BYTES) {
                outgoing.discard();
                return false;
            }
            return outgoing.drainIfRoom();
        } finally {
            writing.unlock();
        }
    }

    /** Closes the socket; a thread waiting to read or write wakes up to an exception. */
    @Override
    public void close() {
        closeQuietly(channel);
        closeQuietly(readable);
        closeQuietly(writable);
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException e) {
                // Closing is all that was left to do with it.
            }
        }
    }

    /**
     * Waits until {@code selector} says the socket is ready; an interrupt, or a wait beyond the stall limit, closes the
     * connection (a message may be half sent).
     */
    private void await(Selector selector) throws IOException {
        int ready;
        try {
            ready = selector.select(stallLimit.map(Duration::toMillis).orElse(0L));
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw new AsynchronousCloseException();
        }
        if (Thread.currentThread().isInterrupted()) {
            close();
            throw new InterruptedIOException("interrupted while waiting for the keeper's socket");
        }
        if (ready == 0 && stallLimit.isPresent()) {
            close();
            throw new SocketTimeoutException("the socket stayed still for " + stallLimit.get().toSeconds() + " s");
        }
    }

    /** Messages are gathered here and go out in one write(2): a keystroke's frame is one packet, not three. */
    private final class Outgoing extends OutputStream {
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);

        @Override
        public void write(int b) throws IOException {
            if (!buffer.hasRemaining()) {
                drain();
            }
            buffer.put((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (!buffer.hasRemaining()) {
                    drain();
                }
                int n = Math.min(length, buffer.remaining());
                buffer.put(bytes, offset, n);
                offset += n;
                length -= n;
            }
        }

        int size() {
            return buffer.position();
        }

        void discard() {
            buffer.clear();
        }

        /** Sends everything gathered, waiting for room as long as it takes. */
        void drain() throws IOException {
            buffer.flip();
            try {
                writeRest();
            } finally {
                buffer.clear();
            }
        }

        /** Sends everything gathered if the socket takes any of it now; otherwise drops it and says so. */
        boolean drainIfRoom() throws IOException {
            buffer.flip();
            try {
                if (channel.write(buffer) == 0) {
                    return false;
                }
                writeRest();
                return true;
            } finally {
                buffer.clear();
            }
        }

        private void writeRest() throws IOException {
            while (buffer.hasRemaining()) {
                if (channel.write(buffer) == 0) {
                    await(writable);
                }
            }
        }
    }

    /** Reads in large gulps; a read that finds nothing waits in the reader's selector. */
    private final class Incoming extends InputStream {
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER).flip();

        @Override
        public int read() throws IOException {
            return fill() ? buffer.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(length, buffer.remaining());
            buffer.get(bytes, offset, n);
            return n;
        }

        @Override
        public int available() {
            return buffer.remaining();
        }

        /** Whether the stream is at its end now; nothing read meanwhile is lost. */
        boolean ended() {
            if (buffer.hasRemaining()) {
                return false;
            }
            try {
                buffer.clear();
                int n = channel.read(buffer);
                buffer.flip();
                return n < 0;
            } catch (IOException e) {
                buffer.clear().flip();
                return true;
            }
        }

        /** False at the end of the stream. */
        private boolean fill() throws IOException {
            while (!buffer.hasRemaining()) {
                buffer.clear();
                int n = channel.read(buffer);
                buffer.flip();
                if (n < 0) {
                    return false;
                }
                if (n == 0) {
                    await(readable);
                }
            }
            return true;
        }
    }
}
