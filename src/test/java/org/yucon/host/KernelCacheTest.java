package org.yucon.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCacheTest {

    @TempDir
    Path dir;

    @Test
    void storedKernelIsLoadedForTheSameConfiguration() throws IOException, ProvisioningException {
        Kernel kernel = new Kernel(Files.createFile(dir.resolve("linux.uml")), "debian sid user-mode-linux 7.2um1");
        KernelCache cache = new KernelCache(dir.resolve("kernel/kernel.properties"));
        cache.store(kernel, Optional.empty());
        assertEquals(Optional.of(kernel), cache.load(Optional.empty()));
    }

    @Test
    void anotherConfiguredKernelMissesTheCache() throws IOException, ProvisioningException {
        Kernel kernel = new Kernel(Files.createFile(dir.resolve("linux.uml")), "debian sid user-mode-linux 7.2um1");
        KernelCache cache = new KernelCache(dir.resolve("kernel.properties"));
        cache.store(kernel, Optional.empty());
        assertTrue(cache.load(Optional.of(dir.resolve("mine.uml"))).isEmpty());
    }

    @Test
    void vanishedBinaryMissesTheCache() throws IOException, ProvisioningException {
        Kernel kernel = new Kernel(Files.createFile(dir.resolve("linux.uml")), "configured");
        KernelCache cache = new KernelCache(dir.resolve("kernel.properties"));
        cache.store(kernel, Optional.empty());
        Files.delete(kernel.binary());
        assertTrue(cache.load(Optional.empty()).isEmpty());
    }

    @Test
    void noFileMissesTheCache() throws ProvisioningException {
        assertTrue(new KernelCache(dir.resolve("kernel.properties")).load(Optional.empty()).isEmpty());
    }
}
