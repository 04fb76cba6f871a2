package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.testing.Await;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/** A guest with {@code restart = "on-crash"} comes back after a crash, until the spin guard keeps it down. */
class RestartPolicyIT {
    private static final Duration BOOT = Duration.ofSeconds(60);
    private final POSIX posix = POSIXFactory.getNativePOSIX();

    @Test
    void crashesAreRestartedUntilTheSpinGuardSaysStop(@TempDir Path dir) throws Exception {
        try (TestHost host = TestHost.startGuests(dir, Uml.image(), Map.of("uml1",
                List.of("restart = \"on-crash\"", "restart_max = 2", "restart_window = \"10m\"")))) {
            GuestSupervisor guest = host.guest("uml1");
            assertTrue(guest.boot().ok());
            long pid = awaitRunning(guest, 0);

            for (int restart = 1; restart <= 2; restart++) {
                posix.kill((int) pid, Signal.SIGKILL.intValue());
                long before = pid;
                pid = awaitRunning(guest, before);
                assertNotEquals(before, pid, "restart " + restart + " is a new UML");
            }

            posix.kill((int) pid, Signal.SIGKILL.intValue());
            Await.until("uml1 to stay down after its third crash", BOOT, () -> guest.status().state() == GuestState.CRASHED,
                    () -> guest.status().toString());
            // The guard's decision is announced on the console when the crash is handled, before any restart could
            // be scheduled: once it is there, no restart is coming.
            Await.until("the spin guard's word on uml1's console", BOOT,
                    () -> new String(guest.console().heldOutput(), StandardCharsets.UTF_8)
                            .contains("restarted 2 times within 600 s, so it stays down"),
                    () -> guest.status().toString());
            GuestStatus down = guest.status();
            assertEquals(GuestState.CRASHED, down.state(), "the spin guard keeps it down: " + down);
            assertTrue(down.detail().contains("signal 9"), down.toString());
        }
    }

    /** Waits for the guest to run in a UML other than {@code previous} and returns that UML's pid. */
    private static long awaitRunning(GuestSupervisor guest, long previous) {
        Await.until("uml1 to run anew", BOOT, () -> guest.status().state() == GuestState.RUNNING
                && guest.status().pid() != previous, () -> guest.status().toString());
        return guest.status().pid();
    }
}
