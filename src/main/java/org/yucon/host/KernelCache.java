package org.yucon.host;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The kernel a previous run chose, remembered in a properties file so later runs need neither the network
 * nor a probe. The choice is only reused for the same configured kernel, and only while its file exists.
 */
final class KernelCache {

    private static final String BINARY = "binary";
    private static final String ORIGIN = "origin";
    private static final String CONFIGURED = "configured";

    private final Path file;

    KernelCache(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    Optional<Kernel> load(Optional<Path> configured) throws ProvisioningException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = read();
        String binary = properties.getProperty(BINARY);
        String origin = properties.getProperty(ORIGIN);
        boolean sameConfiguration = key(configured).equals(properties.getProperty(CONFIGURED));
        if (binary == null || origin == null || !sameConfiguration || !Files.isRegularFile(Path.of(binary))) {
            return Optional.empty();
        }
        return Optional.of(new Kernel(Path.of(binary), origin));
    }

    void store(Kernel kernel, Optional<Path> configured) throws ProvisioningException {
        Properties properties = new Properties();
        properties.setProperty(BINARY, kernel.binary().toAbsolutePath().toString());
        properties.setProperty(ORIGIN, kernel.origin());
        properties.setProperty(CONFIGURED, key(configured));
        FileOps.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".part");
        try {
            try (Writer out = Files.newBufferedWriter(partial)) {
                properties.store(out, "The UML kernel yucon chose on this host");
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ProvisioningException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    private Properties read() throws ProvisioningException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new ProvisioningException("Could not read " + file + ": " + e.getMessage(), e);
        }
        return properties;
    }

    private static String key(Optional<Path> configured) {
        return configured.map(path -> path.toAbsolutePath().toString()).orElse("");
    }
}
