package org.yucon.guest.mconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.yucon.host.DemoRootfs;
import org.yucon.host.Kernel;
import org.yucon.host.KernelProvisioner;
import org.yucon.host.ProvisioningException;

/** Talks to real UML guests, booted from the kernel and demo image that yucon provisions on this host. */
class MconsoleClientIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    private static final String UMID = "mconsole-it";

    private static Kernel kernel;
    private static Path image;

    @TempDir
    Path dir;

    @BeforeAll
    static void provision() throws ProvisioningException {
        Path cache = cacheDir();
        kernel = new KernelProvisioner(cache, line -> System.out.println("provision: " + line)).provision(Optional.empty());
        image = new DemoRootfs(cache, line -> System.out.println("rootfs: " + line)).image();
    }

    @Test
    void runningGuestAnswers() throws Exception {
        try (Guest guest = boot(); MconsoleClient client = new MconsoleClient(guest.socket(), TIMEOUT)) {
            MconsoleReply version = client.send("version");
            assertTrue(version.ok());
            assertTrue(version.text().startsWith("Linux "), version.text());

            MconsoleReply loadavg = client.send("proc loadavg");
            assertTrue(loadavg.text().startsWith("\n"), loadavg.text());
            assertTrue(GuestProc.parseLoadavg(loadavg.text()).total() > 0, loadavg.text());

            GuestStats stats = GuestProc.read(client);
            // version answers "Linux HOSTNAME RELEASE #BUILD MACHINE", as uname -a does.
            assertTrue(version.text().contains(" " + stats.kernelRelease() + " #"), stats + " vs " + version.text());
            assertTrue(stats.memory().totalKib() > 0, stats.toString());

            assertEquals(new MconsoleReply(false, "Unknown command"), client.send("frobnicate"));
        }
    }

    @Test
    void haltedGuestIsNotRunning() throws Exception {
        try (Guest guest = boot(); MconsoleClient client = new MconsoleClient(guest.socket(), TIMEOUT)) {
            assertEquals(new MconsoleReply(true, ""), client.send("halt"));
            guest.awaitExit();

            MconsoleException e = assertThrows(MconsoleException.class, () -> client.send("version"));
            assertTrue(e.guestNotRunning(), e.getMessage());
        }
    }

    @Test
    void killedGuestIsNotRunning() throws Exception {
        try (Guest guest = boot(); MconsoleClient client = new MconsoleClient(guest.socket(), TIMEOUT)) {
            assertTrue(client.send("version").ok());
            guest.kill();

            MconsoleException e = assertThrows(MconsoleException.class, () -> client.send("version"));
            assertTrue(e.guestNotRunning(), e.getMessage());
            assertTrue(e.getMessage().endsWith("(connection refused)"), e.getMessage());
        }
    }

    private Guest boot() throws IOException, InterruptedException {
        Path log = dir.resolve("console.log");
        Process process = new ProcessBuilder(List.of(kernel.binary().toString(),
                "ubd0=" + dir.resolve("guest.cow") + "," + image, "root=/dev/ubda", "mem=64M",
                "umid=" + UMID, "uml_dir=" + dir, "con0=fd:0,fd:1", "con=null"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Guest guest = new Guest(process, dir.resolve(UMID).resolve("mconsole"));
        boolean booted = false;
        try {
            guest.awaitSocket(log);
            booted = true;
            return guest;
        } finally {
            if (!booted) {
                guest.close();
            }
        }
    }

    private static Path cacheDir() {
        String configured = System.getProperty("yucon.cache", "");
        return configured.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "yucon")
                : Path.of(configured);
    }

    /** A booted UML, killed by pid when the test is done with it, whatever happened. */
    private record Guest(Process process, Path socket) implements AutoCloseable {

        void awaitSocket(Path log) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
            while (!Files.exists(socket)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    fail("no mconsole socket at " + socket + "; console:\n" + Files.readString(log));
                }
                Thread.sleep(50);
            }
        }

        void awaitExit() throws InterruptedException {
            assertTrue(process.waitFor(BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "guest did not exit");
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            awaitExit();
        }

        @Override
        public void close() {
            process.destroyForcibly();
            process.onExit().join();
        }
    }
}
