package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.testing.Await;
import org.yucon.testing.Command;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * The guest settings of issue 7 on real UML guests: disks (COW, read-only, swap), a tap on a bridge made for the
 * test, nice and a CPU cap through cgroups, a guest run as its own host user, and a bad guest file that costs only
 * that guest. The bridge lives only on this host, has no address, and is deleted afterwards; each tap goes with its
 * guest.
 */
class GuestSettingsIT {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROMPT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DOWN_TIMEOUT = Duration.ofSeconds(25);
    private static final String MAC = "52:54:00:0a:0b:0c";
    private static final String SUFFIX = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    private static final String BRIDGE = "ycbr" + SUFFIX;
    private static final String TAP = "yctap" + SUFFIX;
    /** An unprivileged user every Debian host has. */
    private static final String USER = "nobody";

    @TempDir
    static Path dir;
    private static TestHost host;
    private static Path image;
    private static Path kernel;
    private static boolean bridgeMade;

    @BeforeAll
    static void startHost() throws Exception {
        // The guest run as nobody must reach its kernel, image and state: a readable copy of both, in a readable tree.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        image = Uml.readableImage(dir.resolve("root.img"));
        kernel = Uml.readableKernel(dir.resolve("kernel"));
        Command.run("ip", "link", "add", BRIDGE, "type", "bridge");
        bridgeMade = true;
        Command.run("ip", "link", "set", BRIDGE, "up");
        Files.createDirectories(dir.resolve("etc/guests"));
        Files.writeString(dir.resolve("etc/guests/broken.toml"), "[[disk]]\nimage = \"x\"\n[limits]\ncpu = \"fast\"\n");

        Map<String, List<String>> guests = new LinkedHashMap<>();
        guests.put("disks", List.of("[[disk]]", "image = \"" + image + "\"", "readonly = true",
                "[[swap]]", "file = \"" + dir.resolve("state/disks.swap") + "\"", "size = \"64M\""));
        guests.put("net", List.of("[network]", "bridge = \"" + BRIDGE + "\"", "tap = \"" + TAP + "\"", "mac = \"" + MAC + "\"",
                "[limits]", "nice = 5", "cpu = \"50%\""));
        guests.put("alone", List.of("user = \"" + USER + "\"", "kernel = \"" + kernel + "\""));
        host = TestHost.startGuests(dir, image, guests);
    }

    @AfterAll
    static void stopHost() throws Exception {
        try {
            if (host != null) {
                host.close();
            }
        } finally {
            if (bridgeMade) {
                Command.run("ip", "link", "del", BRIDGE);
            }
            // The keeper leaves the parent group yucon/ to the guests of the host; this test made it if it is empty.
            try {
                Files.deleteIfExists(cpuGroup("net").getParent());
            } catch (IOException e) {
                // another run's guests are in it: theirs to keep
            }
        }
    }

    @Test
    void writesPersistInTheCowAcrossRebootReadOnlyDiskRefusesWritesSwapIsSparseAndUsed() throws Exception {
        String before = sha256(image);
        GuestSupervisor guest = host.guest("disks");
        try (ConsoleTap tap = bootAndLogIn(guest)) {
            run(tap, "echo kept > /root/mark; sync; echo written", "written");
            run(tap, "echo x > /dev/ubdb || echo refused", "refused");
            run(tap, "swapon /dev/ubdc && grep -c ubdc /proc/swaps", "1");
            shutDown(guest);
        }
        Path swap = dir.resolve("state/disks.swap");
        assertEquals(64L << 20, Files.size(swap), "the swap file has its configured size");
        long allocated = POSIXFactory.getNativePOSIX().stat(swap.toString()).blocks() * 512;
        assertTrue(allocated < (1 << 20), "the swap file is sparse: " + allocated + " bytes allocated");

        try (ConsoleTap tap = bootAndLogIn(guest)) {
            run(tap, "cat /root/mark", "kept");
            shutDown(guest);
        }
        assertEquals(before, sha256(image), "the shared image is never written");
    }

    @Test
    void tapOnTheBridgeGivesTheGuestItsMacAndNiceAndCpuCapApply() throws Exception {
        GuestSupervisor guest = host.guest("net");
        Path group = cpuGroup("net");
        try (ConsoleTap tap = bootAndLogIn(guest)) {
            run(tap, "cat /sys/class/net/vec0/address", MAC);
            assertTrue(Files.readString(Path.of("/sys/class/net", TAP, "master", "uevent")).contains("INTERFACE=" + BRIDGE),
                    "the tap is enslaved to the bridge");
            long pid = guest.status().pid();
            assertEquals("5", Files.readString(Path.of("/proc", Long.toString(pid), "stat")).split(" ")[18], "nice of the UML");
            String autogroup = Files.readString(Path.of("/proc", Long.toString(pid), "autogroup"));
            assertTrue(autogroup.endsWith(" nice 5\n"), "nice of the UML's session: " + autogroup);
            assertTrue(cpuCap(group).equals("50000 100000"), "CPU cap in " + group + ": " + cpuCap(group));
            assertTrue(Files.readAllLines(group.resolve("cgroup.procs")).contains(Long.toString(pid)),
                    "the UML " + pid + " is in " + group);
            shutDown(guest);
        }
        Await.until("the tap to be removed", PROMPT_TIMEOUT, () -> !Files.exists(Path.of("/sys/class/net", TAP)), () -> TAP);
        Await.until("the cgroup to be removed", PROMPT_TIMEOUT, () -> !Files.exists(group), group::toString);
    }

    @Test
    void aGuestRunsAsItsOwnHostUser() throws Exception {
        GuestSupervisor guest = host.guest("alone");
        try (ConsoleTap tap = bootAndLogIn(guest)) {
            String status = Files.readString(Path.of("/proc", Long.toString(guest.status().pid()), "status"));
            long uid = POSIXFactory.getNativePOSIX().getpwnam(USER).getUID();
            assertTrue(status.contains("\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n"), status);
            run(tap, "echo $((6*7))", "42");
            shutDown(guest);
        }
    }

    @Test
    void aBadGuestFileIsLeftOutWithFileAndLineAndTheOthersRun() {
        assertEquals(List.of(dir.resolve("etc/guests/broken.toml") + " line 4: 'limits.cpu' is \"fast\", "
                + "must be a share of one CPU such as \"50%\" or \"200%\""), host.config().guestErrors());
        assertTrue(host.gateway().guests().get("broken").isEmpty(), "the bad guest is not served");
        assertEquals(3, host.gateway().guests().all().size(), "the other guests are");
    }

    private static ConsoleTap bootAndLogIn(GuestSupervisor guest) throws IOException {
        ConsoleTap tap = ConsoleTap.attach(guest);
        int from = tap.position();
        Outcome booted = guest.boot();
        assertTrue(booted.ok(), "boot refused: " + booted.message());
        tap.awaitText(guest.name() + " login:", from, BOOT_TIMEOUT);
        int login = tap.position();
        tap.type("root\n");
        tap.awaitText(guest.name() + ":/root# ", login, PROMPT_TIMEOUT);
        return tap;
    }

    /** Types a command and waits for a line of its output that is exactly {@code expected}. */
    private static void run(ConsoleTap tap, String command, String expected) throws IOException {
        int from = tap.position();
        tap.type(command + "\n");
        tap.awaitLine(expected, from, PROMPT_TIMEOUT);
    }

    private static void shutDown(GuestSupervisor guest) {
        assertTrue(guest.shutdown(false).ok(), "shutdown refused");
        Await.until(guest.name() + " to be off", DOWN_TIMEOUT, () -> guest.status().state() == GuestState.OFF,
                () -> guest.status().toString());
        assertFalse(guest.status().state().alive());
    }

    /** Where the keeper puts the guest's CPU group on this host: cgroup v2 if it has the cpu controller, else v1. */
    private static Path cpuGroup(String guest) throws IOException {
        Path v2 = Path.of("/sys/fs/cgroup/cgroup.controllers");
        boolean unified = Files.exists(v2) && Files.readString(v2).contains("cpu");
        return Path.of(unified ? "/sys/fs/cgroup" : "/sys/fs/cgroup/cpu", "yucon", guest);
    }

    private static String cpuCap(Path group) throws IOException {
        if (Files.exists(group.resolve("cpu.max"))) {
            return Files.readString(group.resolve("cpu.max")).trim();
        }
        return Files.readString(group.resolve("cpu.cfs_quota_us")).trim() + " " + Files.readString(group.resolve("cpu.cfs_period_us")).trim();
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
