package org.yucon.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * Provisions for real into the cache given by {@code -Dyucon.cache} (default ~/.cache/yucon): downloads what
 * this host needs and boots it. Fails, never skips, when no UML kernel boots here, because then nothing in
 * yucon can work on this host.
 */
class KernelProvisionerIT {

    @Test
    void provisionedKernelBootsTheDemoImageAndIsCached() throws ProvisioningException {
        Path cache = cacheDir();
        Kernel kernel = new KernelProvisioner(cache, KernelProvisionerIT::print).provision(Optional.empty());
        Path image = new DemoRootfs(cache, KernelProvisionerIT::print).image();
        assertTrue(Files.isRegularFile(image), "no image at " + image);

        BootProbe.Outcome outcome = new BootProbe(image).probe(kernel.binary());
        assertTrue(outcome.passed(), kernel.origin() + " failed the boot probe: " + outcome.reason());

        long start = System.nanoTime();
        Kernel again = new KernelProvisioner(cache, KernelProvisionerIT::print).provision(Optional.empty());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(kernel, again);
        assertTrue(millis < 1_000, "cached provisioning took " + millis + " ms");
    }

    private static void print(String line) {
        System.out.println("provisioning: " + line);
    }

    private static Path cacheDir() {
        String configured = System.getProperty("yucon.cache", "");
        return configured.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "yucon")
                : Path.of(configured);
    }
}
