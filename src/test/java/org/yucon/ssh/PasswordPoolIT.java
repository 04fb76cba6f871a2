package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.auth.password.UserAuthPassword;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yucon.testing.Await;
import org.yucon.testing.Closing;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.SshUser;
import org.yucon.testing.TestHost;

/**
 * The password pool is bounded and wastes nothing: with one thread and 8 waiting, 30 passwords sent at once are
 * not all hashed (the rest fail unhashed), and a password whose client has gone while it waited is not hashed.
 * The passwords are 1 KB long, the most allowed, about 17 ms of CPU each here, so that they queue.
 */
class PasswordPoolIT {
    /** max_startups raised: 30 connections waiting to log in would be dropped at random from the 10th on. */
    private static final List<String> LIMITS = List.of("[limits]", "auth_failure_delay = \"50ms\"",
            "password_threads = 1", "password_queue = 8", "max_startups = 100");
    private static final String LONGEST = "x".repeat(1024);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.startedBy(dir -> TestHost.start(dir, LIMITS, "uml1"));

    @Test
    void passwordsPastTheQueueFailUnhashed() throws Exception {
        List<ClientSession> sessions = connect(30, 40);
        try {
            List<AuthFuture> attempts = sendLongest(sessions);
            for (AuthFuture attempt : attempts) {
                assertTrue(attempt.await(TIMEOUT), "a password was not answered within " + TIMEOUT.toSeconds() + " s");
                assertFalse(attempt.isSuccess(), "a wrong password logged in");
            }
            awaitAudit("result=refused:too-many-passwords-at-once");
        } finally {
            Closing.all(sessions.toArray(AutoCloseable[]::new));
        }
    }

    @Test
    void aPasswordWhoseClientHasGoneIsNotHashed() throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        List<ClientSession> sessions = connect(6, 80);
        try (SshUser leavingUser = SshUser.of(gateway.host(), client -> client.setUserAuthFactories(
                List.of(new PasswordWrittenFactory(written))))) {
            ClientSession leaving = leavingUser.connect("uml1", "127.0.0.99");
            List<AuthFuture> attempts = sendLongest(sessions);
            Await.until("the password thread hashing", TIMEOUT, PasswordPoolIT::passwordThreadRuns, () -> "");
            leaving.addPasswordIdentity(LONGEST);
            leaving.auth();
            assertTrue(written.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the leaving client never sent its password");
            // Graceful: the close waits for anything still written, and no reset can discard what the gateway holds.
            leaving.close(false).await(TIMEOUT);
            for (AuthFuture attempt : attempts) {
                assertTrue(attempt.await(TIMEOUT), "a password was not answered within " + TIMEOUT.toSeconds() + " s");
            }
            awaitAudit("from=/127.0.0.99:", "result=refused:client-gone");
        } finally {
            Closing.all(sessions.toArray(AutoCloseable[]::new));
        }
    }

    /**
     * Password authentication that says when the password has left for the gateway: MINA's reporter is told before
     * the packet is written, and a close that came first would keep it from ever being sent.
     */
    private static final class PasswordWrittenFactory extends UserAuthPasswordFactory {
        private final CountDownLatch written;

        PasswordWrittenFactory(CountDownLatch written) {
            this.written = written;
        }

        @Override
        public UserAuthPassword createUserAuth(ClientSession session) {
            return new UserAuthPassword() {
                @Override
                protected IoWriteFuture sendPassword(Buffer buffer, ClientSession session, String oldPassword,
                                                     String newPassword) throws Exception {
                    IoWriteFuture write = super.sendPassword(buffer, session, oldPassword, newPassword);
                    write.addListener(done -> {
                        if (done.isWritten()) {
                            written.countDown();
                        }
                    });
                    return write;
                }
            };
        }
    }

    /** {@code count} sessions of uml1, each from an address of its own from 127.0.0.{@code first} on. */
    private static List<ClientSession> connect(int count, int first) throws Exception {
        List<ClientSession> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sessions.add(gateway.ssh().connect("uml1", "127.0.0." + (first + i)));
            }
            return sessions;
        } catch (IOException | RuntimeException e) {
            Closing.all(sessions.toArray(AutoCloseable[]::new));
            throw e;
        }
    }

    private static List<AuthFuture> sendLongest(List<ClientSession> sessions) throws IOException {
        List<AuthFuture> attempts = new ArrayList<>();
        for (ClientSession session : sessions) {
            session.addPasswordIdentity(LONGEST);
            attempts.add(session.auth());
        }
        return attempts;
    }

    /** The gateway runs in this JVM: its password thread is runnable while it hashes, parked while it waits. */
    private static boolean passwordThreadRuns() {
        ThreadInfo[] threads = ManagementFactory.getThreadMXBean().dumpAllThreads(false, false);
        return Arrays.stream(threads).anyMatch(t -> t.getThreadName().startsWith("password-")
                && t.getThreadState() == Thread.State.RUNNABLE);
    }

    /** Waits for a line of the audit log that holds every one of {@code texts}: its own thread appends the lines. */
    private static void awaitAudit(String... texts) {
        Path log = gateway.host().config().gateway().stateDir().resolve("audit.log");
        Await.until("an audit line with " + String.join(" and ", texts), TIMEOUT,
                () -> read(log).lines().anyMatch(line -> Arrays.stream(texts).allMatch(line::contains)), () -> read(log));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
