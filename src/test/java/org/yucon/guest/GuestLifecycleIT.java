package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.guest.Guests.Subscription;
import org.yucon.testing.Await;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * One real UML guest driven through its {@link GuestSupervisor} and console hub, without SSH: boot, log in,
 * shut down gracefully, die by a signal, and its console log. One host for the class; before each test the
 * guest is brought down hard, so every test starts from a guest that is not running.
 */
class GuestLifecycleIT {
    private static final String GUEST = "uml1";
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROMPT_TIMEOUT = Duration.ofSeconds(10);
    /** shutdown_timeout of every TestHost guest: when the supervisor gives up on init and halts. */
    private static final Duration SHUTDOWN_DEADLINE = Duration.ofSeconds(10);
    /** Halt plus the kill after it; only matters if the graceful path is broken. */
    private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(8);

    @TempDir
    static Path dir;
    private static TestHost host;
    private static final POSIX posix = POSIXFactory.getNativePOSIX();

    private GuestSupervisor guest;
    private final List<GuestState> statesSeen = new CopyOnWriteArrayList<>();
    private Subscription subscription;
    private ConsoleTap tap;

    @BeforeAll
    static void startHost() throws Exception {
        host = TestHost.start(dir, GUEST);
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @BeforeEach
    void guestIsDown() {
        guest = host.guest(GUEST);
        Uml.killIfAlive(guest);
        subscription = host.gateway().guests().subscribe(() -> statesSeen.add(guest.status().state()));
        tap = ConsoleTap.attach(guest);
    }

    @AfterEach
    void detach() {
        if (tap != null) {
            tap.close();
        }
        if (subscription != null) {
            subscription.close();
        }
    }

    @Test
    void bootsToALoginAndRunsACommand() throws Exception {
        Outcome booted = guest.boot();

        assertTrue(booted.ok(), "boot refused: " + booted.message());
        assertEquals(GuestState.BOOTING, guest.status().state(), "state right after boot()");
        assertTrue(guest.status().pid() > 0, "a booting guest has its UML's pid: " + guest.status());
        awaitState(GuestState.RUNNING, BOOT_TIMEOUT);
        assertEquals(List.of(GuestState.BOOTING, GuestState.RUNNING), changesFromBoot(), "state changes told to listeners");

        logInAsRoot();
        int before = tap.position();
        tap.type("echo $((6*7))\n");
        tap.awaitLine("42", before, PROMPT_TIMEOUT);
    }

    @Test
    void gracefulShutdownPowersOffBeforeTheHaltDeadline() throws Exception {
        bootAndAwaitLogin();
        long pid = guest.status().pid();

        long started = System.nanoTime();
        Outcome outcome = guest.shutdown(false);
        assertTrue(outcome.ok(), "shutdown refused: " + outcome.message());
        assertEquals(GuestState.STOPPING, guest.status().state(), "state right after shutdown(false)");
        awaitState(GuestState.OFF, SHUTDOWN_DEADLINE.plus(SHUTDOWN_MARGIN));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // init's ctrlaltdel action powers the demo guest off by itself; reaching the deadline means cad did nothing.
        assertTrue(took.compareTo(SHUTDOWN_DEADLINE) < 0, "graceful shutdown took " + took.toMillis()
                + " ms: the halt fallback did the work, not the guest's init; console:\n" + tap.since(0));
        assertEquals("shut down", guest.status().detail(), "detail of " + guest.status());
        assertEquals(0, guest.status().pid(), "an OFF guest has no pid: " + guest.status());
        assertTrue(ProcessHandle.of(pid).isEmpty(), "UML pid " + pid + " is still there after OFF");
        tap.awaitText("[yucon] " + GUEST + " is off", PROMPT_TIMEOUT);
    }

    @Test
    void sigkillOfTheUmlIsACrashBySignal9() throws Exception {
        guest.boot();
        awaitState(GuestState.RUNNING, BOOT_TIMEOUT);
        long pid = guest.status().pid();

        assertEquals(0, posix.kill((int) pid, Signal.SIGKILL.intValue()), "kill -9 " + pid);
        awaitState(GuestState.CRASHED, PROMPT_TIMEOUT);

        GuestStatus crashed = guest.status();
        assertTrue(crashed.detail().contains("signal 9"), "detail should name signal 9: " + crashed);
        assertEquals(0, crashed.pid(), "a crashed guest has no pid: " + crashed);
        tap.awaitText("[yucon] " + GUEST + " crashed: killed by signal 9 (SIGKILL)", PROMPT_TIMEOUT);
    }

    @Test
    void consoleOutputLandsInTheLogFile() throws Exception {
        // The console keeper writes the log as the guest prints, whether anybody watches or not.
        Path logFile = host.consoleLog(GUEST);
        int before = read(logFile).length();

        bootAndAwaitLogin();

        Await.until("the login prompt in " + logFile, PROMPT_TIMEOUT,
                () -> read(logFile).substring(before).contains(GUEST + " login:"), () -> read(logFile));
        String logged = read(logFile).substring(before);
        assertTrue(logged.contains("Linux version"), "the kernel's boot messages are logged:\n" + logged);
    }

    private void bootAndAwaitLogin() {
        Outcome booted = guest.boot();
        assertTrue(booted.ok(), "boot refused: " + booted.message());
        tap.awaitText(GUEST + " login:", BOOT_TIMEOUT);
        awaitState(GuestState.RUNNING, BOOT_TIMEOUT);
    }

    private void logInAsRoot() throws Exception {
        tap.awaitText(GUEST + " login:", BOOT_TIMEOUT);
        int before = tap.position();
        tap.type("root\n");
        // The demo image's /etc/profile sets PS1 to '\h:\w\$ '; busybox shows root's home as /root, not ~.
        tap.awaitText(GUEST + ":/root# ", before, PROMPT_TIMEOUT);
    }

    /** What listeners heard from boot on; the crash of the previous test's guest may be heard just before. */
    private List<GuestState> changesFromBoot() {
        int boot = statesSeen.indexOf(GuestState.BOOTING);
        return boot < 0 ? List.copyOf(statesSeen) : List.copyOf(statesSeen.subList(boot, statesSeen.size()));
    }

    private void awaitState(GuestState state, Duration timeout) {
        Await.until(GUEST + " to be " + state, timeout, () -> guest.status().state() == state,
                () -> guest.status() + "\nconsole:\n" + tap.since(0));
    }

    private static String read(Path file) {
        try {
            // One char per byte: a console log is raw bytes, not necessarily valid UTF-8.
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
