package org.yucon.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
