package org.yucon.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import jnr.posix.POSIX;

/**
 * Files and directories that only their owner may open: what yucon keeps about guests, consoles and logins
 * (transcripts, events, the audit trail, password hashes). Their modes are given when they are made, not left to the
 * umask, and files written anew lose what an earlier version let others do with them.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** Others may pass through to what is theirs further down (a guest's own user to its files), not list or read. */
    public static final Set<PosixFilePermission> PASSAGE = PosixFilePermissions.fromString("rwx--x--x");
    /** The bits that let the group or others write: whoever may write in a directory may replace what is in it. */
    private static final Set<PosixFilePermission> WRITE_BY_OTHERS =
            EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> READ_OR_WRITE_BY_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private PrivateFiles() {
    }

    /**
     * Sets this process's umask to 077: what it and its children make without a mode of their own (the JDK's
     * redirects, UML's directories, sockets and COW files) is its user's only.
     */
    public static void restrictUmask(POSIX posix) {
        posix.umask(0077);
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

    /**
     * Creates {@code dir} and its missing parents mode 0711, and lets others pass through the directories from
     * {@code top} down to it that exist (search bit only): the way for a guest's own host user to the files yucon
     * hands it, through directories that stay closed to listing and reading.
     */
    public static Path passage(Path dir, Path top) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path d = dir.toAbsolutePath(); d != null && !Files.isDirectory(d); d = d.getParent()) {
            missing.push(d);
        }
        for (Path d = dir.toAbsolutePath(); d != null && d.startsWith(top.toAbsolutePath()); d = d.getParent()) {
            if (!missing.contains(d)) {
                permitPassing(d);
            }
        }
        while (!missing.isEmpty()) {
            Path d = Files.createDirectory(missing.pop());
            // The umask may have taken the search bits the mode asked for.
            Files.setPosixFilePermissions(d, PASSAGE);
        }
        return dir;
    }

    /**
     * Refuses {@code dir} if another user owns it or the group or others may write in it: one sentence naming the
     * directory and the fix. A directory that does not exist yet passes.
     */
    public static void requireClosed(Path dir, ProcessUser user) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Optional<UserPrincipal> owner = user.otherOwner(dir);
        if (owner.isPresent()) {
            throw new IOException(dir + " belongs to " + owner.get().getName() + ", not to " + user.name()
                    + ", the user yucon runs as; run chown " + user.name() + " " + dir + ", or run yucon as "
                    + owner.get().getName());
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
        if (permissions.stream().anyMatch(WRITE_BY_OTHERS::contains)) {
            throw new IOException(dir + " may be written by others (" + PosixFilePermissions.toString(permissions)
                    + "), who could replace what yucon keeps there; run chmod go-w " + dir);
        }
    }

    /**
     * Takes from {@code dir} what lets the group or others read or write in it, leaving the search bit of a passage;
     * says whether it changed anything.
     */
    public static boolean closeToOthers(Path dir) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
        if (!permissions.removeAll(READ_OR_WRITE_BY_OTHERS)) {
            return false;
        }
        Files.setPosixFilePermissions(dir, permissions);
        return true;
    }

    /** Opens {@code file} for appending: created mode 0600, or made so. */
    public static OutputStream append(Path file) throws IOException {
        return Files.newOutputStream(file(file), StandardOpenOption.APPEND);
    }

    /** Writes {@code file} anew: created mode 0600, or made so, then truncated and written. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Files.write(file(file), bytes);
    }

    /**
     * Replaces {@code file} whole or not at all: the new content is written beside it (mode 0600, and owned by the
     * directory's owner, so that a file written by root for a gateway that runs as another user stays readable by
     * it), then moved over it.
     */
    public static void replace(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".new");
        write(tmp, bytes);
        UserPrincipal owner = Files.getOwner(file.toAbsolutePath().getParent());
        if (!Files.getOwner(tmp).equals(owner)) {
            Files.setOwner(tmp, owner);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Creates {@code file} empty, mode 0600, if it is missing; one that exists loses its group and other bits. */
    public static Path file(Path file) throws IOException {
        try {
            return Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        } catch (FileAlreadyExistsException e) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.retainAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE))) {
                Files.setPosixFilePermissions(file, permissions);
            }
            return file;
        }
    }

    private static void permitPassing(Path dir) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
        if (permissions.addAll(EnumSet.of(PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE))) {
            Files.setPosixFilePermissions(dir, permissions);
        }
    }
}
