package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yucon.keeper.KeeperClient;
import org.yucon.testing.Await;
import org.yucon.testing.GatewayFixture;

/**
 * A boot whose keeper IPC is still in flight, on a real guest: the console keeper is stopped (SIGSTOP) while it is
 * asked to start the UML, so the boot waits in the middle of its spawn for as long as the test needs. Status must
 * answer meanwhile, and a shutdown, halt or reboot asked meanwhile must end in its own state once the keeper answers.
 */
class SpawnRaceIT {
    private static final String GUEST = "uml1";
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    /** The shutdown of a UML killed as it started, with its process group: the keeper reaps it within a second or two. */
    private static final Duration DOWN_TIMEOUT = Duration.ofSeconds(15);
    /** A status held by the boot would never answer; one that is not answers in milliseconds, seconds when loaded. */
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.of(GUEST);
    private static final POSIX posix = POSIXFactory.getNativePOSIX();

    private final ExecutorService booter = Executors.newSingleThreadExecutor();
    /** Asks status() on threads of its own: one that waits on the supervisor must not hang the test. */
    private final ExecutorService asker = Executors.newCachedThreadPool();
    private GuestSupervisor guest;
    private int keeper;

    @BeforeEach
    void guestIsDown() throws Exception {
        guest = gateway.host().guest(GUEST);
        keeper = (int) KeeperClient.pid(gateway.host().config().gateway().stateDir());
        long pid = guest.status().pid();
        if (guest.status().state().alive() && pid > 0) {
            posix.kill((int) pid, Signal.SIGKILL.intValue());
        }
        awaitDown();
    }

    /** Whatever the test did, the keeper runs again (a stopped keeper would hang the host's close). */
    @AfterEach
    void keeperRuns() throws InterruptedException {
        posix.kill(keeper, Signal.SIGCONT.intValue());
        booter.shutdownNow();
        asker.shutdownNow();
        booter.awaitTermination(30, TimeUnit.SECONDS);
    }

    @Test
    void statusAnswersWhileABootWaitsForTheKeeper() throws Exception {
        CompletableFuture<Outcome> boot = bootWhileTheKeeperIsStopped();

        assertEquals(GuestState.BOOTING, answeredStatus().state(), "the state while the keeper starts the UML");
        assertFalse(boot.isDone(), "the boot must still wait for the stopped keeper: " + guest.status());

        keeperGoesOn();
        assertTrue(boot.get(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS).ok(), "the boot went on once the keeper did");
        awaitState(GuestState.RUNNING, BOOT_TIMEOUT);
        assertTrue(guest.status().pid() > 0, "a running guest has its UML's pid: " + guest.status());
    }

    @Test
    void aShutdownDuringTheSpawnEndsOffAndTheGuestBootsAgain() throws Exception {
        CompletableFuture<Outcome> boot = bootWhileTheKeeperIsStopped();

        Outcome stop = guest.shutdown(false);
        assertTrue(stop.ok(), "shutdown while booting: " + stop.message());
        assertEquals(GuestState.STOPPING, guest.status().state());
        keeperGoesOn();

        assertFalse(boot.get(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS).ok(), "the boot reports that it was stopped");
        long pid = awaitDown();
        assertEquals(GuestState.OFF, guest.status().state(), "after a shutdown asked while starting: " + guest.status());
        assertTrue(pid == 0 || ProcessHandle.of(pid).isEmpty(), "the UML it started is gone: " + pid);

        Outcome again = guest.boot();
        assertTrue(again.ok(), "boot after that: " + again.message());
        awaitState(GuestState.RUNNING, BOOT_TIMEOUT);
    }

    @Test
    void aHaltDuringTheSpawnEndsOff() throws Exception {
        CompletableFuture<Outcome> boot = bootWhileTheKeeperIsStopped();

        assertTrue(guest.shutdown(true).ok(), "halt while booting");
        keeperGoesOn();

        assertFalse(boot.get(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS).ok(), "the boot reports that it was stopped");
        awaitDown();
        assertEquals(GuestState.OFF, guest.status().state(), "after a halt asked while starting: " + guest.status());
    }

    @Test
    void aRebootDuringTheSpawnEndsRunningInANewRun() throws Exception {
        CompletableFuture<Outcome> boot = bootWhileTheKeeperIsStopped();

        assertTrue(guest.reboot(false).ok(), "reboot while booting");
        keeperGoesOn();

        assertFalse(boot.get(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS).ok(), "the first boot reports that it was stopped");
        awaitState(GuestState.RUNNING, BOOT_TIMEOUT);
    }

    /** Starts a boot on a thread of its own with the keeper stopped; returns once the guest shows it booting. */
    private CompletableFuture<Outcome> bootWhileTheKeeperIsStopped() {
        assertEquals(0, posix.kill(keeper, Signal.SIGSTOP.intValue()), "SIGSTOP to the keeper " + keeper);
        CompletableFuture<Outcome> boot = CompletableFuture.supplyAsync(guest::boot, booter);
        Await.until(GUEST + " to show that it boots", Duration.ofSeconds(10),
                () -> answeredStatus().state() == GuestState.BOOTING, () -> guest.status().toString());
        assertEquals(0, guest.status().pid(), "no UML yet while the keeper is stopped: " + guest.status());
        return boot;
    }

    /** guest.status(), which must answer within a few seconds even while a boot waits for the stopped keeper. */
    private GuestStatus answeredStatus() {
        try {
            return CompletableFuture.supplyAsync(guest::status, asker).get(STATUS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("status() did not answer within " + STATUS_TIMEOUT.toSeconds() + " s while a boot waits for the keeper: "
                    + "the boot holds the supervisor");
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("status() failed", e);
        }
    }

    private void keeperGoesOn() {
        assertEquals(0, posix.kill(keeper, Signal.SIGCONT.intValue()), "SIGCONT to the keeper " + keeper);
    }

    /** Waits until the guest is not alive; returns the last pid it had while alive (0 if none was seen). */
    private long awaitDown() {
        long[] last = {guest.status().pid()};
        Await.until(GUEST + " not to be alive", DOWN_TIMEOUT, () -> {
            GuestStatus now = guest.status();
            if (now.pid() != 0) {
                last[0] = now.pid();
            }
            return !now.state().alive();
        }, () -> guest.status().toString());
        return last[0];
    }

    private void awaitState(GuestState state, Duration timeout) {
        Await.until(GUEST + " to be " + state, timeout, () -> guest.status().state() == state, () -> guest.status().toString());
    }
}
