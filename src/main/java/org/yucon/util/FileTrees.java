package org.yucon.util;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Whole directory trees on the host. */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Deletes {@code root} and everything below it; a missing root is fine. No link is followed, not even one swapped
     * in while this runs: a guest's user may change what lies below a UML directory at any moment (see
     * {@link OpenDir}).
     */
    public static void delete(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        try (OpenDir parent = OpenDir.open(absolute.getParent())) {
            parent.deleteTree(absolute.getFileName().toString());
        } catch (NoSuchFileException e) {
            // nothing to delete
        }
    }
}
