package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yucon.testing.Closing;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.TestHost;

/**
 * Passwords as long as an SSH packet allows cost the gateway next to nothing, with the default password limits: 20
 * wrong ones of 200 KB, from 20 addresses at once (so that the throttle does not stop them), take under 2 s of the
 * JVM's CPU, and the right password of another client meanwhile logs in within 2 s. The early drop of connections
 * not logged in yet (max_startups, from 10 of them on) would refuse some of these 21 at random; it is raised here,
 * and FloodsIT tests it. SHA-512 crypt costs the square of a
 * password's length: hashed, each of them would cost a CPU-minute.
 */
class PasswordFloodIT {
    private static final int CLIENTS = 20;
    private static final int PASSWORD_BYTES = 200 << 10;
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(30);

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.startedBy(dir -> TestHost.start(dir,
            List.of("[limits]", "max_startups = 100", "per_source_max_startups = 100"), "uml1"));

    @Test
    void longPasswordsCostNoHashingAndDoNotDelayARightLogin() throws Exception {
        List<ClientSession> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                sessions.add(gateway.ssh().connect("uml1", "127.0.0." + (10 + i)));
            }
            String huge = "x".repeat(PASSWORD_BYTES);
            long cpuBefore = processCpuNanos();
            List<AuthFuture> attempts = new ArrayList<>();
            for (ClientSession session : sessions) {
                session.addPasswordIdentity(huge);
                attempts.add(session.auth());
            }

            long start = System.nanoTime();
            gateway.ssh().loginWithPassword("uml1", TestHost.PASSWORD).close();
            Duration rightLogin = Duration.ofNanos(System.nanoTime() - start);

            for (AuthFuture attempt : attempts) {
                assertTrue(attempt.await(ANSWERED_WITHIN), "a 200 KB password was not answered within " + ANSWERED_WITHIN.toSeconds() + " s");
                assertFalse(attempt.isSuccess(), "a 200 KB password logged in");
            }
            Duration cpu = Duration.ofNanos(processCpuNanos() - cpuBefore);
            System.out.printf("%d x %d KB passwords: %d ms of CPU; the right login meanwhile: %d ms%n",
                    CLIENTS, PASSWORD_BYTES >> 10, cpu.toMillis(), rightLogin.toMillis());
            assertTrue(cpu.compareTo(Duration.ofSeconds(2)) < 0, CLIENTS + " long passwords cost " + cpu.toMillis() + " ms of CPU");
            assertTrue(rightLogin.compareTo(Duration.ofSeconds(2)) < 0, "the right login took " + rightLogin.toMillis() + " ms");
        } finally {
            Closing.all(sessions.toArray(AutoCloseable[]::new));
        }
    }

    /** The CPU time of this whole JVM, gateway and test client: the gateway runs in it. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
