package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.testing.TestHost;

/**
 * Brute force from one address gets that address refused, while the right password from another address
 * (127.0.0.2: loopback is a whole /8) still logs in; logging in as oneself in between forgives none of the guesses at
 * another login; guesses from many addresses spend a login's budget, after which its password is not even checked
 * but its key still works; an unknown login fails exactly like a wrong password.
 */
class LoginThrottleIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> LIMITS = List.of("[limits]", "auth_failure_delay = \"50ms\"",
            "throttle_failures = 10", "throttle_window = \"10m\"", "login_failures = 15");

    @TempDir
    static Path dir;
    private static TestHost host;
    private static SshClient client;

    @BeforeAll
    static void start() throws Exception {
        host = TestHost.start(dir, LIMITS, "uml1", "uml2");
        client = SshClient.setUpDefaultClient();
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.start();
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            client.stop();
        } finally {
            host.close();
        }
    }

    @Test
    void fiftyWrongPasswordsThrottleTheAddressNotTheAccount() throws Exception {
        for (int i = 0; i < 50; i++) {
            assertFalse(passwordLogin("127.0.0.1", "uml1", "wrong-" + i), "wrong password " + i + " logged in");
        }
        assertFalse(passwordLogin("127.0.0.1", "uml1", TestHost.PASSWORD), "the throttled address is refused even the right password");
        assertTrue(passwordLogin("127.0.0.2", "uml1", TestHost.PASSWORD), "the right password from another address logs in");
        String audit = auditLogOnceItHas("user=uml1 from=/127.0.0.2");
        assertTrue(audit.contains("user=uml1 from=/127.0.0.2"), "the audit log names the successful login:\n" + audit);
    }

    @Test
    void loggingInAsOneselfForgivesNoGuessesAtAnotherLogin() throws Exception {
        int ownLogins = 0;
        for (int i = 0; i < 30; i++) {
            assertFalse(passwordLogin("127.0.0.4", "admin", "wrong-" + i), "wrong admin password " + i + " logged in");
            ownLogins += passwordLogin("127.0.0.4", "uml1", TestHost.PASSWORD) ? 1 : 0;
        }
        assertTrue(ownLogins >= 9, "the guesser's own logins worked until its address was refused: " + ownLogins);
        assertFalse(passwordLogin("127.0.0.4", "admin", TestHost.PASSWORD), "the guessing address is refused admin's right password");
        assertTrue(passwordLogin("127.0.0.5", "admin", TestHost.PASSWORD), "admin's right password from another address logs in");
    }

    @Test
    void guessesFromManyAddressesSlowALoginsPasswordButNotItsKey() throws Exception {
        for (int address = 20; address < 23; address++) {
            for (int i = 0; i < 5; i++) {
                assertFalse(passwordLogin("127.0.0." + address, "uml2", "wrong-" + i), "wrong uml2 password logged in");
            }
        }
        assertFalse(passwordLogin("127.0.0.23", "uml2", TestHost.PASSWORD), "uml2's budget of 15 failures is spent: its right password is not checked");
        assertTrue(keyLogin("127.0.0.23", "uml2"), "uml2's key still logs in");
        assertTrue(passwordLogin("127.0.0.23", "uml1", TestHost.PASSWORD), "another login's password from the same address logs in");
    }

    /** The audit log as soon as it holds {@code text}, or after a few seconds: its own thread appends the lines. */
    private static String auditLogOnceItHas(String text) throws IOException, InterruptedException {
        Path log = host.config().gateway().stateDir().resolve("audit.log");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String audit = Files.readString(log);
        while (!audit.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            audit = Files.readString(log);
        }
        return audit;
    }

    @Test
    void unknownLoginFailsLikeAWrongPassword() throws Exception {
        Exception wrongPassword = assertThrows(Exception.class, () -> login("127.0.0.3", "admin", "nope"));
        Exception unknownUser = assertThrows(Exception.class, () -> login("127.0.0.3", "nobody-here", "nope"));
        assertEquals(wrongPassword.getClass(), unknownUser.getClass());
        assertEquals(wrongPassword.getMessage(), unknownUser.getMessage());
    }

    private static boolean passwordLogin(String from, String user, String password) {
        try {
            login(from, user, password);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean keyLogin(String from, String user) {
        try {
            login(from, user, session -> session.addPublicKeyIdentity(host.userKey()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void login(String from, String user, String password) throws IOException {
        login(from, user, session -> session.addPasswordIdentity(password));
    }

    private static void login(String from, String user, Consumer<ClientSession> identity) throws IOException {
        try (ClientSession session = client.connect(user, new InetSocketAddress("127.0.0.1", host.port()),
                new InetSocketAddress(from, 0)).verify(TIMEOUT).getSession()) {
            identity.accept(session);
            session.auth().verify(TIMEOUT);
        }
    }
}
