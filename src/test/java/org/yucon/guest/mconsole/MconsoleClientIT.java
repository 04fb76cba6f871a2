package org.yucon.guest.mconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.yucon.host.DemoRootfs;
import org.yucon.host.Kernel;
import org.yucon.host.KernelProvisioner;
import org.yucon.host.ProvisioningException;
import org.yucon.testing.Await;
import org.yucon.testing.OtherUser;

/** Talks to real UML guests, booted from the kernel and demo image that yucon provisions on this host. */
class MconsoleClientIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    private static final String UMID = "mconsole-it";
    /** Room for the other user's program to start and send while the guest is held. */
    private static final Duration FORGERY_TIMEOUT = Duration.ofSeconds(15);
    private static final String FORGED = "Linux FORGED by another local user";
    /** Sends one mconsole reply packet (err 0, last) to the abstract address argv[1]; says whether the kernel took it. */
    private static final String FORGER = String.join("\n",
            "import socket, struct, sys",
            "text = sys.argv[2].encode() + b'\\0'",
            "packet = struct.pack('=iii', 0, 0, len(text)) + text",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "try:",
            "    s.sendto(packet, b'\\0' + sys.argv[1].encode())",
            "    print('sent')",
            "except OSError as e:",
            "    print('refused:', e)");

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

    /**
     * Another local user learns the client's address from /proc/net/unix, as anybody may read it, and sends a forged
     * reply while the guest is held (SIGSTOP) before it answers: the client must wait for the guest's own reply.
     */
    @Test
    void replyForgedByAnotherLocalUserIsNotTaken() throws Exception {
        POSIX posix = POSIXFactory.getNativePOSIX();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (Guest guest = boot(); MconsoleClient client = new MconsoleClient(guest.socket(), FORGERY_TIMEOUT)) {
            try (MconsoleClient ready = new MconsoleClient(guest.socket(), TIMEOUT)) {
                assertTrue(ready.send("version").ok());
            }
            Set<String> before = ownDatagramSockets();
            posix.kill((int) guest.process().pid(), Signal.SIGSTOP.intValue());
            Future<MconsoleReply> reply;
            String forger;
            try {
                reply = caller.submit(() -> client.send("version"));
                String address = awaitNewSocket(before);
                try (OtherUser other = OtherUser.run(FORGER, address, FORGED)) {
                    forger = other.awaitExit(FORGERY_TIMEOUT);
                }
            } finally {
                posix.kill((int) guest.process().pid(), Signal.SIGCONT.intValue());
            }
            String text = reply.get(FORGERY_TIMEOUT.toSeconds(), TimeUnit.SECONDS).text();
            System.out.println("forger as " + OtherUser.USER + ": " + forger.strip() + "; the client took: " + text);
            assertFalse(text.equals(FORGED), "the client took the forged reply: " + text);
            assertTrue(text.startsWith("Linux "), "the client took a reply that is not the guest's: " + text);
            assertTrue(forger.contains("refused"), "the forged reply was delivered: " + forger);
        } finally {
            caller.shutdownNow();
        }
    }

    /** The abstract addresses of this JVM's Unix datagram sockets, as /proc/net/unix shows them to every user. */
    private static Set<String> ownDatagramSockets() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed while listed
                }
            }
        }
        Set<String> addresses = new HashSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
            String[] f = line.trim().split("\\s+");
            boolean datagram = f.length == 8 && f[4].equals("0002");
            if (datagram && inodes.contains(f[6]) && f[7].startsWith("@")) {
                addresses.add(f[7].substring(1));
            }
        }
        return addresses;
    }

    private static String awaitNewSocket(Set<String> before) {
        AtomicReference<String> found = new AtomicReference<>();
        Await.until("the client's socket in /proc/net/unix", FORGERY_TIMEOUT, () -> {
            try {
                Set<String> now = ownDatagramSockets();
                now.removeAll(before);
                now.stream().findFirst().ifPresent(found::set);
                return found.get() != null;
            } catch (IOException e) {
                return false;
            }
        }, () -> "no new abstract datagram socket");
        return found.get();
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

        /**
         * Kills the UML, then every process of it left, found by its command line: its helpers share its descriptors,
         * so left alone they would keep its mconsole socket open (nobody answering) and outlive the test, and its
         * guest's processes stay behind, stopped, handed to init. The UML goes first, so that it starts no more.
         */
        void kill() {
            process.destroyForcibly();
            process.onExit().join();
            String umlDir = "uml_dir=" + socket.getParent().getParent();
            List<ProcessHandle> rest = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().orElse("").contains(umlDir)).toList();
            rest.forEach(ProcessHandle::destroyForcibly);
            rest.forEach(p -> p.onExit().join());
        }

        @Override
        public void close() {
            kill();
        }
    }
}
