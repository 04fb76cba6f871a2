package org.yucon.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes configuration files for tests: one line per argument, directories made as needed. */
final class EtcFiles {
    private EtcFiles() {
    }

    static void write(Path etc, String name, String... lines) {
        Path file = etc.resolve(name);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
