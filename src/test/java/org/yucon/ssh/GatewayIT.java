package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.yucon.testing.SshUser.run;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yucon.guest.GuestState;
import org.yucon.testing.SshScreen;
import org.yucon.testing.SshUser;
import org.yucon.testing.SshUser.Result;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.TestHost;

/**
 * The gateway as an SSH user meets it, with MINA's own client against real UML guests: logins, the menu and
 * console through a VT emulator, the exec verbs, and what is refused. One host for the class; each guest has
 * one job so that tests do not depend on each other's order: uml1 is booted from the menu, uml3 by the boot
 * verb, and uml2 is never booted (an account that may not see it must not be able to).
 */
class GatewayIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.of("uml1", "uml2", "uml3");

    @Test
    void publicKeyLogsIn() throws Exception {
        try (ClientSession session = gateway.ssh().login("uml1")) {
            assertTrue(session.isAuthenticated(), "public key authentication as uml1");
        }
    }

    @Test
    void passwordLogsInAndAWrongOneDoesNot() throws Exception {
        try (ClientSession session = gateway.ssh().loginWithPassword("uml1", TestHost.PASSWORD)) {
            assertTrue(session.isAuthenticated(), "password authentication as uml1");
        }
        IOException refused = assertThrows(IOException.class,
                () -> gateway.ssh().loginWithPassword("uml1", TestHost.PASSWORD + "x").close(),
                "a wrong password must not log in");
        assertTrue(refused.getMessage() != null, "refusal should say why: " + refused);
    }

    @Test
    void menuBootsTheGuestAndOpensItsConsole() throws Exception {
        try (ClientSession session = gateway.ssh().login("uml1");
             SshScreen screen = SshScreen.open(session.createShellChannel())) {
            screen.awaitText("User: uml1", TIMEOUT);
            screen.awaitLine("uml1 listed as Off", TIMEOUT, guestRow("uml1", "Off"));
            assertTrue(screen.text().contains("Options:"), "the menu shows its options; " + screen.describe());

            screen.press("b");
            screen.awaitLine("uml1 listed as Running", BOOT_TIMEOUT, guestRow("uml1", "Running"));

            screen.press("\r");
            screen.awaitText("login:", BOOT_TIMEOUT);
            screen.press("root\r");
            // The demo image's PS1 is '\h:\w\$ ' (the screen drops trailing blanks).
            screen.awaitText("uml1:/root#", TIMEOUT);
            screen.press("echo $((6*7))\r");
            screen.awaitLine("a line '42'", TIMEOUT, line -> line.equals("42"));

            screen.detach();
            screen.awaitText("Options:", TIMEOUT);
            screen.awaitLine("uml1 still Running", TIMEOUT, guestRow("uml1", "Running"));

            screen.press("q");
            assertEquals(0, screen.awaitExit(TIMEOUT), "exit status after q; " + screen.describe());
        }
    }

    @Test
    void statusPrintsOneLinePerVisibleGuest() throws Exception {
        try (ClientSession uml1 = gateway.ssh().login("uml1"); ClientSession admin = gateway.ssh().login("admin")) {
            Result own = run(uml1, "status");
            assertEquals(0, own.status(), own.toString());
            assertEquals(List.of("uml1"), guestNames(own), "uml1 sees its own guest only; " + own);

            Result all = run(admin, "status");
            assertEquals(0, all.status(), all.toString());
            assertEquals(List.of("uml1", "uml2", "uml3"), guestNames(all), "admin sees every guest; " + all);
        }
    }

    @Test
    void aGuestOfSomebodyElseLooksLikeNoGuestAtAll() throws Exception {
        try (ClientSession session = gateway.ssh().login("uml1")) {
            Result foreign = run(session, "boot uml2");
            Result missing = run(session, "boot nosuch");

            assertEquals(1, foreign.status(), foreign.toString());
            assertEquals(1, missing.status(), missing.toString());
            assertEquals("", foreign.out(), foreign.toString());
            // Byte for byte the same answer but for the name the user typed: nothing tells that uml2 exists.
            assertEquals(missing.err().replace("nosuch", "NAME"), foreign.err().replace("uml2", "NAME"));
            assertEquals(GuestState.OFF, gateway.host().guest("uml2").status().state(), "uml2 must not have been booted");
        }
    }

    @Test
    void unknownVerbIsAUsageError() throws Exception {
        try (ClientSession session = gateway.ssh().login("uml1")) {
            Result frob = run(session, "frob");
            assertEquals(2, frob.status(), frob.toString());
            assertTrue(frob.err().contains("unknown command"), frob.toString());
        }
    }

    @Test
    void consoleWithoutATerminalIsAUsageError() throws Exception {
        try (ClientSession session = gateway.ssh().login("uml1")) {
            Result console = run(session, "console");
            assertEquals(2, console.status(), console.toString());
            assertTrue(console.err().contains("needs a terminal") && console.err().contains("ssh -t"),
                    "the message should say what to do: " + console);
        }
    }

    @Test
    void consoleVerbWithATerminalAttachesAndDetachEndsTheSession() throws Exception {
        try (ClientSession session = gateway.ssh().login("uml3")) {
            Result boot = run(session, "boot");
            assertEquals(0, boot.status(), "uml3 sees one guest, so boot needs no name; " + boot);

            try (SshScreen screen = SshScreen.open(session.createExecChannel("console"))) {
                screen.awaitArrived("[yucon] console of uml3", TIMEOUT);
                screen.awaitText("uml3 login:", BOOT_TIMEOUT);

                screen.detach();
                screen.awaitText("[yucon] detached", TIMEOUT);
                assertEquals(0, screen.awaitExit(TIMEOUT), "exit status after Ctrl-A d; " + screen.describe());
            }
        }
    }

    @Test
    void portForwardingIsRefusedAndTheSessionStaysUsable() throws Exception {
        try (ClientSession session = gateway.ssh().login("uml1");
             ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // Local forwarding: the client listens and asks the gateway for a direct-tcpip channel per connection.
            SshdSocketAddress local = session.startLocalPortForwarding(new SshdSocketAddress("127.0.0.1", 0),
                    new SshdSocketAddress("127.0.0.1", target.getLocalPort()));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(local.getHostName(), local.getPort()), (int) TIMEOUT.toMillis());
                socket.setSoTimeout((int) TIMEOUT.toMillis());
                assertConnectionEnds(socket);
            }
            target.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, target::accept, "the gateway must not connect anywhere for us");

            // Remote forwarding: the gateway is asked to listen, and must say no.
            assertThrows(IOException.class, () -> session.startRemotePortForwarding(
                    new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress("127.0.0.1", target.getLocalPort())),
                    "tcpip-forward must be refused");

            Result status = run(session, "status");
            assertEquals(0, status.status(), "the session still runs commands; " + status);
        }
    }

    /** The refused channel closes the forwarded connection: end of stream, or a reset. */
    private static void assertConnectionEnds(Socket socket) throws IOException {
        try {
            assertEquals(-1, socket.getInputStream().read(), "a forwarded connection got data");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the forwarded connection stayed open for " + TIMEOUT.toSeconds() + " s", e);
        } catch (IOException reset) {
            // Closed with a reset: refused as well.
        }
    }

    /** A row of the menu's guest list: selection marker or blanks, the name, then the state's label. */
    private static Predicate<String> guestRow(String guest, String label) {
        return Pattern.compile("^(-->|   )" + Pattern.quote(guest) + " +" + label + "\\b").asPredicate();
    }

    private static List<String> guestNames(Result status) {
        return status.out().lines().map(line -> line.split(" ")[0]).toList();
    }
}
