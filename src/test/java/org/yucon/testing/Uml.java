package org.yucon.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.yucon.guest.GuestSupervisor;
import org.yucon.host.DemoRootfs;
import org.yucon.host.Kernel;
import org.yucon.host.KernelProvisioner;
import org.yucon.host.ProvisioningException;

/**
 * The UML kernel and root image every integration test boots, provisioned once per test JVM into the cache
 * given by {@code -Dyucon.cache} (default ~/.cache/yucon). Fails loudly, never skips, when UML cannot run here.
 */
public final class Uml {
    /** Initialized on first use by the JVM's class loading, which makes it once and thread-safe. */
    private static final class Provisioned {
        static final Kernel KERNEL;
        static final Path IMAGE;

        static {
            try {
                Path cache = cacheDir();
                IMAGE = new DemoRootfs(cache, Uml::print).image();
                KERNEL = new KernelProvisioner(cache, Uml::print).provision(Optional.empty());
            } catch (ProvisioningException e) {
                throw new IllegalStateException("UML cannot run on this host, so yucon cannot be tested here: " + e.getMessage(), e);
            }
        }
    }

    private Uml() {
    }

    public static Kernel kernel() {
        return Provisioned.KERNEL;
    }

    public static Path image() {
        return Provisioned.IMAGE;
    }

    public static Path cacheDir() {
        String configured = System.getProperty("yucon.cache", "");
        return configured.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "yucon") : Path.of(configured);
    }

    /**
     * Kills a UML with its process group: it leads one (pty4j gives it a session of its own), and its helper
     * processes, in that group, outlive a SIGKILL of the UML alone, holding its files.
     */
    public static void killWithGroup(long pid) {
        POSIX posix = POSIXFactory.getNativePOSIX();
        posix.kill((int) -pid, Signal.SIGKILL.intValue());
        posix.kill((int) pid, Signal.SIGKILL.intValue());
    }

    /** Kills a UML an earlier test left to {@code guest} and waits until the guest is no longer alive. */
    public static void killIfAlive(GuestSupervisor guest) {
        long pid = guest.status().pid();
        if (guest.status().state().alive() && pid > 0) {
            POSIXFactory.getNativePOSIX().kill((int) pid, Signal.SIGKILL.intValue());
        }
        Await.until(guest.name() + " not to be alive", Duration.ofSeconds(30),
                () -> !guest.status().state().alive(), () -> guest.status().toString());
    }

    /**
     * A copy of the test image that another user may read, as {@code file}. The test JVM's umask may be 077 (a gateway
     * started in it sets so), so the mode is set, not left to the umask.
     */
    public static Path readableImage(Path file) throws IOException, InterruptedException {
        Path copy = Files.copy(image(), file);
        Command.run("chmod", "a+r", copy.toString());
        return copy;
    }

    /**
     * A copy of the test kernel that another user may run, in {@code into}, whatever the test JVM's umask. The kernel yucon provisions may be
     * patched to load the libc beside it in root's cache; the copy gets its own copy of that libc.
     */
    public static Path readableKernel(Path into) throws IOException, InterruptedException {
        Path original = kernel().binary();
        Files.createDirectories(into);
        Path copy = Files.copy(original, into.resolve("linux.uml"));
        Path libc = original.resolveSibling("libc");
        if (Files.isDirectory(libc)) {
            Command.run("cp", "-a", libc.toString(), into.toString());
            Command.run(cacheDir().resolve("tools/patchelf/usr/bin/patchelf").toString(),
                    "--set-interpreter", into.resolve("libc/usr/lib64/ld-linux-x86-64.so.2").toString(),
                    "--set-rpath", into.resolve("libc/usr/lib/x86_64-linux-gnu").toString(), copy.toString());
        }
        Command.run("chmod", "-R", "a+rX", into.toString());
        return copy;
    }

    private static void print(String line) {
        System.out.println("provisioning: " + line);
    }
}
