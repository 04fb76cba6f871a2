package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.guest.Guests.Subscription;
import org.yucon.testing.Await;
import org.yucon.testing.SshUser;
import org.yucon.testing.SshUser.Result;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * {@code [boot] at_once} on real guests: with one turn, three guests booted back to back start one after the
 * other, each once the one before runs, and a boot that waits its turn can be called off without a UML ever
 * starting for it.
 */
class BootTurnsIT {
    private static final List<String> NAMES = List.of("uml1", "uml2", "uml3");
    private static final Duration ALL_RUNNING = Duration.ofSeconds(120);

    @TempDir
    static Path dir;
    private static TestHost host;

    @BeforeAll
    static void startHost() throws Exception {
        host = TestHost.start(dir, List.of("[boot]", "at_once = 1"), NAMES.toArray(String[]::new));
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @BeforeEach
    void allDown() {
        NAMES.forEach(name -> Uml.killIfAlive(host.guest(name)));
    }

    @Test
    void guestsBootOneAtATimeEachOnceTheOneBeforeRuns() throws Exception {
        AtomicInteger mostAtOnce = new AtomicInteger();
        try (Subscription ignored = host.gateway().guests().subscribe(() -> mostAtOnce.accumulateAndGet(inTheirStart(), Math::max));
             SshUser ssh = SshUser.of(host)) {
            Outcome first = host.guest("uml1").boot();
            Outcome second = host.guest("uml2").boot();
            Result third = ssh.run("uml3", "boot");

            assertEquals("uml1 is booting", first.message());
            assertTrue(second.ok() && second.message().startsWith("uml2 waits its turn to boot (1 boot waits"), second.message());
            assertEquals(0, third.status(), third.toString());
            assertTrue(third.out().startsWith("uml3 waits its turn to boot (2 boots wait"), third.toString());
            GuestStatus waiting = host.guest("uml3").status();
            assertEquals(GuestState.BOOTING, waiting.state());
            assertEquals(GuestSupervisor.WAITS_ITS_TURN, waiting.detail());
            assertEquals(0, waiting.pid(), "no UML yet for a boot that waits: " + waiting);
            assertEquals("uml3 booting (waits its turn to boot)\n", ssh.run("uml3", "status").out());
            Await.until("all three running", ALL_RUNNING, () -> NAMES.stream().allMatch(this::running), this::states);
        }
        assertEquals(1, mostAtOnce.get(), "guests in their kernel's start at once, at most");
    }

    @Test
    void aShutdownCallsOffABootThatWaitsItsTurn() {
        try (ConsoleTap uml2 = ConsoleTap.attach(host.guest("uml2"))) {
            host.guest("uml1").boot();
            host.guest("uml2").boot();

            Outcome reboot = host.guest("uml2").reboot(false);
            Outcome shutdown = host.guest("uml2").shutdown(false);

            assertEquals("uml2 waits its turn to boot already", reboot.message());
            assertEquals("uml2 is off: its boot was called off while it waited its turn", shutdown.message());
            assertEquals(GuestState.OFF, host.guest("uml2").status().state());
            Await.until("uml1 running", ALL_RUNNING, () -> running("uml1"), this::states);
            assertEquals(GuestState.OFF, host.guest("uml2").status().state(), "uml2 after uml1's turn ended");
            assertFalse(uml2.since(0).contains("uml2 is booting"), "uml2 was started: " + uml2.since(0));
        }
        Outcome later = host.guest("uml3").boot();
        assertEquals("uml3 is booting", later.message(), "the turn uml2 gave up is free again");
    }

    @Test
    void aBootThatWaitsWhenTheGatewayStopsBootsUnderTheNextOne() throws Exception {
        host.guest("uml1").boot();
        host.guest("uml2").boot();
        Path kept = dir.resolve("state").resolve("boots-waiting");
        Await.until("uml2 kept as waiting", Duration.ofSeconds(10), () -> read(kept).equals("uml2\n"), () -> read(kept));

        host.restartGateway();

        Await.until("uml1 and uml2 running", ALL_RUNNING, () -> running("uml1") && running("uml2"), this::states);
        Await.until("nothing kept as waiting", Duration.ofSeconds(10), () -> read(kept).equals("\n"), () -> read(kept));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private int inTheirStart() {
        return (int) NAMES.stream().map(name -> host.guest(name).status())
                .filter(s -> s.state() == GuestState.BOOTING && !s.detail().equals(GuestSupervisor.WAITS_ITS_TURN))
                .count();
    }

    private boolean running(String name) {
        return host.guest(name).status().state() == GuestState.RUNNING;
    }

    private String states() {
        return NAMES.stream().map(name -> name + " " + host.guest(name).status()).toList().toString();
    }
}
