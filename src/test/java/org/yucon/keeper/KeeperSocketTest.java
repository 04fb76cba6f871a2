package org.yucon.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.util.ProcessUser;

/** Both ends of a real Unix socket: what {@link KeeperSocket#offer} promises when the peer stops reading. */
@Timeout(30)
class KeeperSocketTest {
    private static final int MESSAGE = 500;

    @TempDir
    Path dir;
    private KeeperSocket writer;
    private KeeperSocket reader;

    @BeforeEach
    void connect() throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("s"));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(address);
            writer = new KeeperSocket(SocketChannel.open(address));
            reader = new KeeperSocket(server.accept());
        }
    }

    @AfterEach
    void close() {
        writer.close();
        reader.close();
    }

    /**
     * A listener whose backlog is full refuses a non-blocking connect at once (EAGAIN); the connect tries again and
     * gets in once the listener accepts, as a keeper does after a gateway's start linked a hundred consoles at once.
     */
    @Test
    void aConnectToAFullBacklogGetsInOnceTheListenerAccepts() throws Exception {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("busy"));
        List<SocketChannel> waiting = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(address, 1);
            fillBacklog(address, waiting);
            CompletableFuture<KeeperSocket> late = CompletableFuture.supplyAsync(() -> {
                try {
                    return KeeperSocket.connect(address.getPath(), ProcessUser.current(), Optional.empty());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThrows(TimeoutException.class, () -> late.get(300, TimeUnit.MILLISECONDS), "the backlog is full");
            for (int i = 0; i <= waiting.size(); i++) {
                server.accept().close();
            }
            late.get(5, TimeUnit.SECONDS).close();
        } finally {
            for (SocketChannel c : waiting) {
                c.close();
            }
        }
    }

    private static void fillBacklog(UnixDomainSocketAddress address, List<SocketChannel> waiting) throws IOException {
        while (true) {
            SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
            c.configureBlocking(false);
            try {
                c.connect(address);
            } catch (IOException e) {
                c.close();
                return;
            }
            waiting.add(c);
        }
    }

    /** Offers into a socket nobody reads until one is refused: every offer taken arrives whole, nothing else does. */
    @Test
    void anOfferIsSentWholeOrNotAtAll() throws IOException {
        int taken = fillWithOffers();
        writer.close();
        DataInputStream in = reader.in();
        for (int i = 0; i < taken; i++) {
            assertEquals(i, readMessage(in));
        }
        assertEquals(-1, in.read(), "an offer that was refused sent nothing");
    }

    /** More than an offer may carry is refused, even into an empty socket, and none of it is sent. */
    @Test
    void aLargeOfferIsRefusedWhole() throws IOException {
        assertFalse(writer.offer(out -> out.write(new byte[KeeperSocket.OFFER_BYTES + 1])), "a paste goes with send");
        writer.send(out -> message(out, 0));
        writer.close();
        DataInputStream in = reader.in();
        assertEquals(0, readMessage(in));
        assertEquals(-1, in.read(), "the refused offer sent nothing");
    }

    @Test
    void aSendWaitsForRoomAndThenGoesOut() throws Exception {
        int taken = fillWithOffers();
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                writer.send(out -> message(out, taken));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThrows(TimeoutException.class, () -> sent.get(300, TimeUnit.MILLISECONDS), "the socket is full");
        DataInputStream in = reader.in();
        for (int i = 0; i <= taken; i++) {
            assertEquals(i, readMessage(in));
        }
        sent.get(5, TimeUnit.SECONDS);
    }

    @Test
    void closingWakesTheReader() throws Exception {
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.in().read();
            } catch (IOException e) {
                return -2;
            }
        });
        assertThrows(TimeoutException.class, () -> read.get(200, TimeUnit.MILLISECONDS), "nothing was sent yet");
        reader.close();
        assertTrue(read.get(5, TimeUnit.SECONDS) < 0);
    }

    /** A connection for one answer gives up a wait beyond its stall limit, and is closed then. */
    @Test
    void aStillPeerFailsAWaitBeyondTheStallLimit() throws IOException {
        Path path = dir.resolve("still");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            try (KeeperSocket asker = KeeperSocket.connect(path, ProcessUser.current(), Optional.of(Duration.ofMillis(200)));
                 SocketChannel still = server.accept()) {
                asker.send(out -> message(out, 1));
                assertThrows(SocketTimeoutException.class, () -> asker.in().readInt(), "the peer never answers");
                assertThrows(IOException.class, () -> asker.send(out -> message(out, 2)), "closed after the stall");
                ByteBuffer request = ByteBuffer.allocate(MESSAGE);
                while (request.hasRemaining() && still.read(request) >= 0) {
                    // The request, then the end: the asker closed the connection when it gave up.
                }
                assertEquals(-1, still.read(ByteBuffer.allocate(1)), "the silent peer sees the connection closed");
            }
        }
    }

    /** A listener that accepts nothing (a stopped keeper) fills its backlog: the next connect fails, it does not wait. */
    @Test
    void aFullBacklogFailsTheConnectAtOnce() throws IOException {
        Path path = dir.resolve("stopped");
        List<KeeperSocket> queued = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path), 2);
            IOException refused = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    queued.add(KeeperSocket.connect(path, ProcessUser.current(), Optional.empty()));
                }
            });
            assertTrue(queued.size() < 100, "connects beyond the backlog fail: " + refused);
        } finally {
            queued.forEach(KeeperSocket::close);
        }
    }

    /** The keeper sees that a gateway gave up on its request (closed it) before acting on it; what was sent stays. */
    @Test
    void anAskerThatClosedIsSeenGoneAndWhatItSentIsKept() throws IOException {
        writer.send(out -> message(out, 7));
        assertFalse(reader.askerGone(), "a message is waiting");
        assertEquals(7, readMessage(reader.in()));
        assertFalse(reader.askerGone(), "the asker waits for an answer");
        writer.close();
        assertTrue(reader.askerGone(), "the asker closed the connection");
    }

    private int fillWithOffers() throws IOException {
        int taken = 0;
        while (true) {
            int n = taken;
            if (!writer.offer(out -> message(out, n))) {
                break;
            }
            taken++;
        }
        assertTrue(taken > 10, "a socket buffer holds more than a few messages: " + taken);
        assertFalse(writer.offer(out -> message(out, -1)), "still full");
        return taken;
    }

    private static void message(DataOutputStream out, int number) throws IOException {
        out.writeInt(number);
        out.write(new byte[MESSAGE - 4]);
    }

    private static int readMessage(DataInputStream in) throws IOException {
        int number = in.readInt();
        in.readFully(new byte[MESSAGE - 4]);
        return number;
    }
}
