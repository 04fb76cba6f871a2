package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.testing.Await;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * The boot watchdog: Debian's 6.1 UML sometimes hangs for good early in its kernel's start (after "Adding ... bytes to
 * physical memory to account for exec-shield gap", before "Linux version"), without ever opening its mconsole. A boot
 * that has no mconsole by its {@code boot_timeout} is killed and booted once more; a second hang in a row is a crash.
 * A hang is forced here by stopping the UML (SIGSTOP) right after the keeper started it, so it never reaches its
 * mconsole; the soak boots guests with the default bound again and again, so that a real hang, when one comes, must be
 * recovered too ({@code -Dyucon.bootLoops=N} boots per guest, 5 unless said).
 */
class BootWatchdogIT {
    /**
     * uml1's boot_timeout: a UML opens its mconsole within a second here, but within several on a loaded 2-CPU host,
     * and a healthy boot the watchdog took for hung failed these tests (a second hang in a row is a crash).
     */
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration OFF_TIMEOUT = Duration.ofSeconds(20);
    /** The watchdog's line on the console, once per hung boot. */
    private static final String HUNG = "has no mconsole";
    private static final List<String> SOAKED = List.of("uml2", "uml3");

    @TempDir
    static Path dir;
    private static TestHost host;
    private static final POSIX posix = POSIXFactory.getNativePOSIX();

    @BeforeAll
    static void startHost() throws Exception {
        List<String> bound = List.of("boot_timeout = \"" + BOUND.toSeconds() + "s\"");
        host = TestHost.startGuests(dir, Uml.image(), Map.of("uml1", bound, "uml2", List.of(), "uml3", List.of()));
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aHungBootIsKilledAndTheGuestBootsOnceMore() throws Exception {
        GuestSupervisor guest = host.guest("uml1");
        try (ConsoleTap tap = ConsoleTap.attach(guest)) {
            int from = tap.position();
            assertTrue(guest.boot().ok(), "uml1 boots");
            long hung = hang(guest);
            Await.until("the watchdog to say the boot hung", BOOT_TIMEOUT.plus(BOUND), () -> tap.since(from).contains(HUNG),
                    () -> guest.status() + "\nconsole:\n" + tap.since(from));
            awaitLogin(guest, tap, from);
            assertFalse(guest.status().pid() == hung, "the running guest is a new UML, not the stopped " + hung);
            assertFalse(ProcessHandle.of(hung).map(ProcessHandle::isAlive).orElse(false), "the hung UML " + hung + " is gone");
            assertEquals(1, count(tap.since(from), HUNG), tap.since(from));
            shutDown(guest);
        }
    }

    @Test
    void aSecondHangInARowIsACrash() throws Exception {
        GuestSupervisor guest = host.guest("uml1");
        try (ConsoleTap tap = ConsoleTap.attach(guest)) {
            int from = tap.position();
            assertTrue(guest.boot().ok(), "uml1 boots");
            long first = hang(guest);
            Await.until("the retry's UML", BOOT_TIMEOUT, () -> guest.status().pid() != first && guest.status().pid() != 0
                    && guest.status().state() == GuestState.BOOTING, () -> guest.status().toString());
            hang(guest);
            Await.until("uml1 to be crashed", BOOT_TIMEOUT, () -> guest.status().state() == GuestState.CRASHED
                    && guest.status().detail().contains("hung twice"), () -> guest.status() + "\n" + tap.since(from));
            Await.until("the watchdog's second line", OFF_TIMEOUT, () -> count(tap.since(from), HUNG) == 2, () -> tap.since(from));
            // A boot after that has its own retry again.
            int again = tap.position();
            assertTrue(guest.boot().ok(), "uml1 boots after the crash");
            hang(guest);
            awaitLogin(guest, tap, again);
            shutDown(guest);
        }
    }

    @Test
    void bootAfterBootReachesItsLogin() throws Exception {
        int boots = Integer.getInteger("yucon.bootLoops", 5);
        ExecutorService threads = Executors.newFixedThreadPool(SOAKED.size());
        try {
            List<Future<Integer>> hangs = new ArrayList<>();
            for (String name : SOAKED) {
                hangs.add(threads.submit(() -> soak(host.guest(name), boots)));
            }
            int total = 0;
            for (Future<Integer> future : hangs) {
                total += future.get();
            }
            System.out.printf("BootWatchdogIT: %d boots, %d hung and were booted again%n", boots * SOAKED.size(), total);
        } finally {
            threads.shutdownNow();
        }
    }

    /** Boots and halts {@code guest} {@code boots} times; each boot must reach its login. Returns how many hung. */
    private static int soak(GuestSupervisor guest, int boots) {
        int hangs = 0;
        try (ConsoleTap tap = ConsoleTap.attach(guest)) {
            for (int boot = 1; boot <= boots; boot++) {
                int from = tap.position();
                assertTrue(guest.boot().ok(), guest.name() + " boot " + boot);
                awaitLogin(guest, tap, from);
                int hung = count(tap.since(from), HUNG);
                if (hung > 0) {
                    System.out.printf("BootWatchdogIT: %s boot %d hung, recovered:%n%s%n", guest.name(), boot, tap.since(from));
                }
                hangs += hung;
                shutDown(guest);
            }
        }
        return hangs;
    }

    /** Stops the UML that boots now before it opens its mconsole; returns its pid. */
    private static long hang(GuestSupervisor guest) {
        long pid = guest.status().pid();
        assertEquals(0, posix.kill((int) pid, Signal.SIGSTOP.intValue()), "SIGSTOP " + pid);
        Path socket = host.config().gateway().stateDir().resolve("uml").resolve(guest.config().umid()).resolve("mconsole");
        assertFalse(Files.exists(socket), "stopped " + pid + " only after it opened its mconsole " + socket);
        return pid;
    }

    private static void awaitLogin(GuestSupervisor guest, ConsoleTap tap, int from) {
        String prompt = guest.name() + " login:";
        Await.until("'" + prompt + "' on the console", BOOT_TIMEOUT, () -> tap.since(from).contains(prompt),
                () -> guest.status() + "\nconsole:\n" + tap.since(from));
        Await.until(guest.name() + " to be running", BOOT_TIMEOUT, () -> guest.status().state() == GuestState.RUNNING,
                () -> guest.status() + "\nconsole:\n" + tap.since(from));
    }

    private static void shutDown(GuestSupervisor guest) {
        assertTrue(guest.shutdown(true).ok(), guest.name() + " halts");
        Await.until(guest.name() + " to be off", OFF_TIMEOUT, () -> !guest.status().state().alive(), () -> guest.status().toString());
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }
}
