package org.yucon.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.Set;

/**
 * Files and directories that only their owner may open: what yucon keeps about guests, consoles and logins. Their
 * modes are given when they are made, not left to the umask.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} and its missing parents, mode 0700 each; those that exist are left as they are. */
    public static Path directories(Path dir) throws IOException {
        return Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
    }

    /**
     * Makes {@code dir} a directory of {@code user}'s that only it may enter: created mode 0700, or made so. One that
     * another user owns is refused, as anything in it may be theirs.
     */
    public static Path ownDirectory(Path dir, ProcessUser user) throws IOException {
        directories(dir);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory; remove it");
        }
        Optional<UserPrincipal> owner = user.otherOwner(dir);
        if (owner.isPresent()) {
            throw new IOException(dir + " belongs to " + owner.get().getName() + ", not to " + user.name()
                    + ", the user yucon runs as; remove it");
        }
        if (!Files.getPosixFilePermissions(dir).equals(DIRECTORY)) {
            Files.setPosixFilePermissions(dir, DIRECTORY);
        }
        return dir;
    }
}
