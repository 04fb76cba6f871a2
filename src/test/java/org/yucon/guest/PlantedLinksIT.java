package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jnr.constants.platform.Signal;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.console.ConsoleLogs;
import org.yucon.keeper.KeeperClient;
import org.yucon.testing.Await;
import org.yucon.testing.HostUser;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * Issue 18, item 4: a guest's host user (who may have broken out of its guest) plants links and a pid where yucon,
 * as root, prepares and cleans the guest's files: at its COW file, at its swap file, inside its UML directory, and a
 * root process's pid in its pid file. Then the guest crashes and is restarted, the gateway is restarted and asked to
 * halt the guest, the guest is booted and shut down. No root file changes owner, mode or content, none is created,
 * nothing is deleted through a link, the root process lives; the console log says why a boot was refused.
 */
class PlantedLinksIT {
    private static final Duration BOOT = Duration.ofSeconds(60);
    private static final Duration DOWN = Duration.ofSeconds(30);
    /** The gateway's halt grace (5 s) and a margin: long enough for a SIGKILL to have come. */
    private static final Duration KILL_WINDOW = Duration.ofSeconds(8);
    private static final String GUEST = "linked";

    @TempDir
    Path dir;

    @Test
    void linksAndPidsPlantedByTheGuestsUserNeverLeadRootToAFileOrProcessOfItsOwn() throws Exception {
        Targets targets = new Targets(Files.createDirectories(dir.resolve("root-owned")));
        Path swap = dir.resolve("state/cow").resolve(GUEST).resolve("swap.img");
        Process victim = new ProcessBuilder("sleep", "600").start();
        try (HostUser user = HostUser.create("yct");
             TestHost host = startGuestOf(user, "restart = \"on-crash\"", "restart_max = 1", "restart_window = \"10m\"",
                     "[[swap]]", "file = \"" + swap + "\"", "size = \"16M\"")) {
            GuestSupervisor guest = host.guest(GUEST);
            Path cow = guest.config().disks().get(0).cow().orElseThrow();
            Path umid = dir.resolve("state/uml/user-" + user.name()).resolve(guest.config().umid());
            Path log = ConsoleLogs.of(ConsoleLogs.dir(dir.resolve("state")), GUEST);

            assertTrue(guest.boot().ok());
            awaitRunning(guest);
            // UML opens (and makes) its COW when the root file system is mounted, a moment after it is running.
            Await.until("the UML to make its COW", BOOT, () -> uid(cow) == user.uid(), () -> cow + ": uid " + uid(cow));
            assertEquals(user.uid(), uid(swap), "the swap file is the guest's user's");

            // A crash under restart = "on-crash" has yucon prepare the guest's files again, as root.
            user.run("rm -f " + cow + " " + swap + " && ln -s " + targets.cow + " " + cow + " && ln -s "
                    + targets.created + " " + swap + " && ln -s " + targets.dir + " " + umid.resolve("trap"));
            POSIXFactory.getNativePOSIX().kill((int) guest.status().pid(), Signal.SIGKILL.intValue());
            Await.until("the restart after the crash to be tried", BOOT,
                    () -> read(log).contains(GUEST + " did not start") || uid(targets.cow) != 0, () -> read(log));

            // A pid in the pid file of a guest that no keeper holds: a new gateway takes it for the guest's UML.
            stopIfAlive(guest);
            user.run("mkdir -p " + umid + " && echo " + victim.pid() + " > " + umid.resolve("pid") + " && ln -sfn "
                    + targets.dir + " " + umid.resolve("trap"));
            host.restartGateway();
            guest = host.guest(GUEST);
            guest.shutdown(true);
            List<String> harms = new ArrayList<>();
            long deadline = System.nanoTime() + KILL_WINDOW.toNanos();
            while (victim.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (!victim.isAlive()) {
                harms.add("the root process " + victim.pid() + " (sleep) was killed at the halt deadline");
            }
            harms.addAll(targets.harms());
            assertEquals(List.of(), harms, "what the guest's user made root do");
            assertEquals(GuestState.OFF, guest.status().state(), "no other process is taken for the guest's UML");
            assertTrue(read(log).contains("[yucon] " + GUEST + " did not start: " + cow
                    + " is a symbolic link; yucon does not follow links among a guest's files"), read(log));

            // Booted by hand: refused while a link is there, each named; then it runs and shuts down.
            assertEquals(GUEST + " did not start: " + cow + " is a symbolic link; yucon does not follow links among a "
                    + "guest's files", guest.boot().message());
            user.run("rm " + cow);
            assertEquals(GUEST + " did not start: " + swap + " is a symbolic link; yucon does not follow links among a "
                    + "guest's files", guest.boot().message());
            user.run("rm " + swap);
            assertTrue(guest.boot().ok());
            awaitRunning(guest);
            assertEquals(user.uid(), uid(swap));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(swap)));
            assertTrue(guest.shutdown(false).ok());
            GuestSupervisor stopping = guest;
            Await.until(GUEST + " to be off", DOWN, () -> stopping.status().state() == GuestState.OFF,
                    () -> stopping.status().toString());
            assertEquals(List.of(), targets.harms());
            assertTrue(victim.isAlive(), "the root process lives");
        } finally {
            victim.destroyForcibly();
        }
    }

    @Test
    void aUmlThatOutlivedItsKeeperIsStillTakenUpFromItsPidFile() throws Exception {
        try (HostUser user = HostUser.create("yct"); TestHost host = startGuestOf(user)) {
            GuestSupervisor guest = host.guest(GUEST);
            assertTrue(guest.boot().ok());
            awaitRunning(guest);
            long pid = guest.status().pid();
            POSIXFactory.getNativePOSIX().kill((int) KeeperClient.pid(host.config().gateway().stateDir()),
                    Signal.SIGKILL.intValue());
            host.restartGateway();
            GuestSupervisor taken = host.guest(GUEST);
            assertEquals(GuestState.RUNNING, taken.status().state(), taken.status().toString());
            assertEquals(pid, taken.status().pid());
            assertEquals(GuestSupervisor.CONSOLE_LOST, taken.status().detail());
            assertTrue(taken.shutdown(true).ok());
            Await.until(GUEST + " to be off", DOWN, () -> taken.status().state() == GuestState.OFF,
                    () -> taken.status().toString());
            // Not the keeper's child any more: init reaps it, a moment later.
            Await.until("the UML " + pid + " to be gone", DOWN, () -> ProcessHandle.of(pid).isEmpty(), () -> "");
        }
    }

    /** A gateway with one guest, {@value #GUEST}, run as {@code user}, its file extended by {@code lines}. */
    private TestHost startGuestOf(HostUser user, String... lines) throws Exception {
        // The guest's user must reach its kernel, image and state: a readable copy of both, in a readable tree.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path image = Uml.readableImage(dir.resolve("root.img"));
        Path kernel = Uml.readableKernel(dir.resolve("kernel"));
        List<String> file = new ArrayList<>(List.of("user = \"" + user.name() + "\"", "kernel = \"" + kernel + "\""));
        file.addAll(List.of(lines));
        return TestHost.startGuests(dir, image, Map.of(GUEST, file));
    }

    /** Root's files that the planted links point at, and what must stay true of them. */
    private static final class Targets {
        final Path cow;
        final Path created;
        final Path dir;
        final Path kept;

        Targets(Path root) throws IOException {
            cow = Files.writeString(root.resolve("cow-target"), "root's file\n");
            Files.setPosixFilePermissions(cow, PosixFilePermissions.fromString("rw-r--r--"));
            created = root.resolve("made-through-a-link");
            dir = Files.createDirectories(root.resolve("kept-dir"));
            kept = Files.writeString(dir.resolve("kept"), "kept\n");
        }

        List<String> harms() throws IOException {
            List<String> harms = new ArrayList<>();
            if (uid(cow) != 0) {
                harms.add(cow + " was given to uid " + uid(cow));
            }
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(cow));
            if (!mode.equals("rw-r--r--")) {
                harms.add(cow + " has mode " + mode);
            }
            if (!read(cow).equals("root's file\n")) {
                harms.add(cow + " was written (" + Files.size(cow) + " bytes now)");
            }
            if (Files.exists(created, LinkOption.NOFOLLOW_LINKS)) {
                harms.add(created + " was made through the swap link (uid " + uid(created) + ", " + Files.size(created)
                        + " bytes)");
            }
            if (!Files.exists(kept) || !read(kept).equals("kept\n")) {
                harms.add(kept + " was deleted or changed through the link in the UML directory");
            }
            return harms;
        }
    }

    private void awaitRunning(GuestSupervisor guest) {
        Await.until(GUEST + " to run", BOOT, () -> guest.status().state() == GuestState.RUNNING,
                () -> guest.status() + "\n" + read(ConsoleLogs.of(ConsoleLogs.dir(dir.resolve("state")), GUEST)));
    }

    /** Kills the guest's UML if one runs (the old code booted one on the planted files), and waits for it to be down. */
    private static void stopIfAlive(GuestSupervisor guest) {
        long pid = guest.status().pid();
        if (guest.status().state().alive() && pid > 0) {
            POSIXFactory.getNativePOSIX().kill((int) pid, Signal.SIGKILL.intValue());
        }
        Await.until(GUEST + " to be down", DOWN, () -> !guest.status().state().alive(), () -> guest.status().toString());
    }

    private static int uid(Path file) {
        try {
            return (int) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
