package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * A guest whose UML dies unasked (SIGKILL or SIGABRT of its pid) boots again at once and reaches its login: the
 * keeper ends a run only once every process of that UML is gone, so that no boot finds the COW file still locked
 * by the one before ("Failed to lock ... root.cow, err = 11", then "VFS: Cannot open root device"). uml1 is booted
 * by hand after each crash, uml2 by its restart policy.
 */
class CrashRecoveryIT {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(45);
    private static final Duration CRASH_TIMEOUT = Duration.ofSeconds(15);
    private static final int CRASHES = 10;
    private static final List<Signal> SIGNALS = List.of(Signal.SIGKILL, Signal.SIGABRT);

    @TempDir
    static Path dir;
    private static TestHost host;
    private static final POSIX posix = POSIXFactory.getNativePOSIX();

    @BeforeAll
    static void startHost() throws Exception {
        host = TestHost.startGuests(dir, Uml.image(), Map.of("uml1", List.of(),
                "uml2", List.of("restart = \"on-crash\"", "restart_max = 5", "restart_window = \"10m\"")));
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aBootRightAfterACrashReachesItsLoginEveryTime() throws Exception {
        GuestSupervisor guest = host.guest("uml1");
        try (ConsoleTap tap = ConsoleTap.attach(guest)) {
            for (int crash = 1; crash <= CRASHES; crash++) {
                String round = "boot " + crash + ": ";
                int from = tap.position();
                Outcome booted = guest.boot();
                assertTrue(booted.ok(), round + booted.message());
                awaitLogin(guest, tap, from, round);

                long pid = guest.status().pid();
                List<ProcessHandle> processes = processesOf(pid);
                Signal signal = SIGNALS.get(crash % SIGNALS.size());
                assertEquals(0, posix.kill((int) pid, signal.intValue()), round + "kill -" + signal + " " + pid);
                Await.until(round + "uml1 to be crashed", CRASH_TIMEOUT, () -> guest.status().state() == GuestState.CRASHED,
                        () -> guest.status().toString());
                assertTrue(guest.status().detail().contains("signal " + signal.intValue()), round + guest.status());
                assertEquals(List.of(), stillThere(processes), round + "processes of the crashed UML " + pid
                        + " still there once it is reported crashed; all of them were "
                        + processes.stream().map(ProcessHandle::pid).toList());
            }
            int from = tap.position();
            assertTrue(guest.boot().ok(), "the boot after the last crash");
            awaitLogin(guest, tap, from, "boot " + (CRASHES + 1) + ": ");
        }
    }

    @Test
    void anOnCrashGuestComesBackToItsLoginAfterACrash() throws Exception {
        GuestSupervisor guest = host.guest("uml2");
        try (ConsoleTap tap = ConsoleTap.attach(guest)) {
            int from = tap.position();
            assertTrue(guest.boot().ok(), "uml2 boots");
            awaitLogin(guest, tap, from, "first boot: ");
            for (Signal signal : SIGNALS) {
                long pid = guest.status().pid();
                from = tap.position();
                assertEquals(0, posix.kill((int) pid, signal.intValue()), "kill -" + signal + " " + pid);
                String round = "after kill -" + signal + " of " + pid + ": ";
                Await.until(round + "uml2 to run a new UML", BOOT_TIMEOUT, () -> guest.status().pid() != pid
                        && guest.status().state().alive(), () -> guest.status().toString());
                awaitLogin(guest, tap, from, round);
            }
        }
    }

    /** Waits for the login prompt printed after {@code from}, with the guest running. */
    private static void awaitLogin(GuestSupervisor guest, ConsoleTap tap, int from, String round) {
        String prompt = guest.name() + " login:";
        Await.until(round + "'" + prompt + "' on the console", BOOT_TIMEOUT, () -> tap.since(from).contains(prompt),
                () -> guest.status() + "\nconsole:\n" + tap.since(from));
        Await.until(round + guest.name() + " to be running", BOOT_TIMEOUT,
                () -> guest.status().state() == GuestState.RUNNING, () -> guest.status() + "\nconsole:\n" + tap.since(from));
    }

    /** The UML and every process below it, as the host has them now. */
    private static List<ProcessHandle> processesOf(long pid) {
        ProcessHandle uml = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no UML with pid " + pid));
        List<ProcessHandle> all = new ArrayList<>(List.of(uml));
        uml.descendants().forEach(all::add);
        return all;
    }

    /**
     * The pids of those that have not exited. A zombie has: it holds no file, lock or pty any more. A handle knows its
     * process's start time, so a pid used again by then (pid_max is 32768 here) does not count.
     */
    private static List<Long> stillThere(List<ProcessHandle> processes) {
        return processes.stream().filter(p -> p.isAlive() && !zombie(p.pid())).map(ProcessHandle::pid).toList();
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException gone) {
            return true;
        }
    }
}
