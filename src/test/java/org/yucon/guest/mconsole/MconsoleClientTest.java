package org.yucon.guest.mconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.yucon.guest.mconsole.FakeGuest.packet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MconsoleClientTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private Path socket;
    private MconsoleClient client;
    private FakeGuest guest;

    @BeforeEach
    void createClient() {
        socket = dir.resolve("mconsole");
        client = new MconsoleClient(socket, TIMEOUT);
    }

    @AfterEach
    void closeAll() throws IOException {
        client.close();
        if (guest != null) {
            guest.close();
        }
    }

    @Test
    void singlePacketReply() throws Exception {
        startGuest(command -> List.of(packet(0, false, "Linux uml1 7.2.7 #1 x86_64")));

        assertEquals(new MconsoleReply(true, "Linux uml1 7.2.7 #1 x86_64"), client.send("version"));
    }

    @Test
    void packetsOfOneReplyAreConcatenated() throws Exception {
        String full = "a".repeat(511);
        startGuest(command -> List.of(
                packet(0, true, "\n"),
                packet(0, true, full),
                packet(0, true, "MemFree: 1 kB\n"),
                packet(0, false, "")));

        assertEquals(new MconsoleReply(true, "\n" + full + "MemFree: 1 kB\n"), client.send("proc meminfo"));
    }

    @Test
    void characterSplitAcrossPacketsIsDecodedWhole() throws Exception {
        byte[] text = "é".getBytes(StandardCharsets.UTF_8);
        startGuest(command -> List.of(
                packet(0, true, Arrays.copyOfRange(text, 0, 1)),
                packet(0, false, Arrays.copyOfRange(text, 1, 2))));

        assertEquals("é", client.send("proc sys/kernel/hostname").text());
    }

    @Test
    void refusedCommandIsNotOk() throws Exception {
        startGuest(command -> List.of(packet(1, false, "Unknown command")));

        assertEquals(new MconsoleReply(false, "Unknown command"), client.send("frobnicate"));
    }

    @Test
    void silentGuestTimesOut() throws Exception {
        startGuest(command -> List.of());

        MconsoleException e = assertThrows(MconsoleException.class, () -> client.send("version"));
        assertEquals("mconsole " + socket + ": \"version\" got no reply within 500 ms", e.getMessage());
        assertFalse(e.guestNotRunning());
    }

    @Test
    void lateReplyIsNotTakenForTheNextCommand() throws Exception {
        startGuest(command -> {
            if (command.equals("slow")) {
                sleep(TIMEOUT.plusMillis(200));
            }
            return List.of(packet(0, false, "reply to " + command));
        });

        assertThrows(MconsoleException.class, () -> client.send("slow"));
        assertEquals("reply to version", client.send("version").text());
    }

    @Test
    void missingSocketMeansNotRunning() {
        MconsoleException e = assertThrows(MconsoleException.class, () -> client.send("version"));

        assertTrue(e.guestNotRunning());
        assertEquals("mconsole " + socket + ": \"version\" was not sent: the guest is not running (no socket)", e.getMessage());
    }

    @Test
    void socketLeftByAKilledGuestMeansNotRunning() throws Exception {
        try (UnixDatagramChannel killed = UnixDatagramChannel.open()) {
            killed.bind(new UnixSocketAddress(socket.toString()));
        }

        MconsoleException e = assertThrows(MconsoleException.class, () -> client.send("version"));
        assertTrue(e.guestNotRunning());
        assertTrue(e.getMessage().endsWith("the guest is not running (connection refused)"), e.getMessage());
    }

    @Test
    void endlessReplyIsCutOff() throws Exception {
        List<ByteBuffer> endless = new ArrayList<>();
        for (int i = 0; i <= MconsoleClient.MAX_REPLY_BYTES / 511; i++) {
            endless.add(packet(0, true, "x".repeat(511)));
        }
        startGuest(command -> endless);

        MconsoleException e = assertThrows(MconsoleException.class, () -> client.send("proc kcore"));
        assertTrue(e.getMessage().endsWith("got a reply larger than 1048576 bytes"), e.getMessage());
    }

    @Test
    void malformedReplyIsReported() throws Exception {
        startGuest(command -> List.of(ByteBuffer.wrap(new byte[] {1, 2, 3})));

        MconsoleException e = assertThrows(MconsoleException.class, () -> client.send("version"));
        assertTrue(e.getMessage().contains("got a malformed reply"), e.getMessage());
    }

    @Test
    void closedClientSendsNothing() throws Exception {
        startGuest(command -> List.of(packet(0, false, "")));
        client.close();

        MconsoleException e = assertThrows(MconsoleException.class, () -> client.send("version"));
        assertTrue(e.getMessage().endsWith("the client is closed"), e.getMessage());
    }

    @Test
    void concurrentCommandsEachGetTheirOwnReply() throws Exception {
        startGuest(command -> List.of(packet(0, true, "re "), packet(0, false, command)));
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String command = "log " + i;
                replies.add(callers.submit(() -> command + " -> " + client.send(command).text()));
            }
            for (int i = 0; i < replies.size(); i++) {
                assertEquals("log " + i + " -> re log " + i, replies.get(i).get());
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void commandTooLongForTheProtocolIsRefusedBeforeSending() {
        assertThrows(IllegalArgumentException.class, () -> client.send("log " + "x".repeat(600)));
    }

    @Test
    void timeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new MconsoleClient(socket, Duration.ZERO));
    }

    private void startGuest(Function<String, List<ByteBuffer>> script) throws IOException {
        guest = new FakeGuest(socket, script);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
