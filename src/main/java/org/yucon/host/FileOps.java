package org.yucon.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yucon.util.FileTrees;

/** File operations on the cache whose failures become one-sentence {@link ProvisioningException}s. */
final class FileOps {

    private FileOps() {
    }

    static void createDirectories(Path dir) throws ProvisioningException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ProvisioningException("Could not create directory " + dir + ": " + e.getMessage(), e);
        }
    }

    static void write(Path file, String text) throws ProvisioningException {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new ProvisioningException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    static Path createTempDirectory(String prefix) throws ProvisioningException {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new ProvisioningException("Could not create a temporary directory: " + e.getMessage(), e);
        }
    }

    /** Deletes {@code root} and everything below it, without following links; a missing root is fine. */
    static void delete(Path root) throws ProvisioningException {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            throw new ProvisioningException("Could not delete " + root + ": " + e.getMessage(), e);
        }
    }

    /** Cleanup on a path whose outcome is already decided: a leftover scratch file must not replace that outcome. */
    static void deleteQuietly(Path root) {
        try {
            delete(root);
        } catch (ProvisioningException e) {
            // Scratch space under a temp directory; the next cleanup of the system's temp dir takes it.
        }
    }
}
