package org.yucon.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.ffi.LibraryLoader;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * An open directory on the host, for root's work among files that someone else may change: a guest's COW, swap and
 * UML directory lie in directories that its unprivileged host user owns. Root acting there by path follows whatever
 * link that user planted, and would give it /etc/passwd, write a swap header into a root file or delete through a
 * link. So every call here names an entry of this directory and acts through descriptors without following a link:
 * openat(2) with O_NOFOLLOW, then fstat, fchown, ftruncate and pwrite on what was opened, unlinkat(2) to delete.
 *
 * <p>On the way to the directory, a symbolic link is followed only where nobody but root (or this process's own user)
 * could have made it: in a directory owned by them that no group or other may write, reached through such directories
 * only. Any other link is refused with a sentence that names it.
 *
 * <p>Used by one thread at a time, which closes it.
 */
public final class OpenDir implements AutoCloseable {
    /** The *at(2) calls of the C library, which neither the JDK nor jnr-posix offer on a descriptor. */
    public interface AtCalls {
        int openat(int dirfd, String path, int flags, int mode);

        int mkdirat(int dirfd, String path, int mode);

        int unlinkat(int dirfd, String path, int flags);

        int fchownat(int dirfd, String path, int uid, int gid, int flags);
    }

    private static final AtCalls LIBC = LibraryLoader.create(AtCalls.class).load("c");
    private static final POSIX POSIX = POSIXFactory.getNativePOSIX();
    private static final Path ROOT = Path.of("/");
    // Linux's values on x86, the only hosts UML runs on; jnr-constants has none of them.
    private static final int AT_FDCWD = -100;
    private static final int AT_REMOVEDIR = 0x200;
    private static final int AT_EMPTY_PATH = 0x1000;
    /** See {@link #entry}. */
    private static final int O_PATH = 0x200000;
    private static final int CLOEXEC = OpenFlags.O_CLOEXEC.intValue();
    private static final int NOFOLLOW = OpenFlags.O_NOFOLLOW.intValue();
    private static final int DIRECTORY = OpenFlags.O_RDONLY.intValue() | OpenFlags.O_DIRECTORY.intValue() | NOFOLLOW | CLOEXEC;
    private static final int MAX_LINKS = 40;
    /** Closed to others, as everything yucon makes. */
    public static final int PRIVATE = 0700;
    /** Others may pass through to what is theirs further down (a guest's user to its files), not list or read. */
    public static final int PASSAGE = 0711;

    /** Where this directory is, with every link on the way resolved. */
    private final Path path;
    private final int fd;
    /** Whether only root (or this process's user) can change this directory and the way to it. */
    private final boolean ownOnly;
    /** Whether {@link #make} created this directory itself. */
    private final boolean created;

    private OpenDir(Path path, int fd, boolean ownOnly, boolean created) {
        this.path = path;
        this.fd = fd;
        this.ownOnly = ownOnly;
        this.created = created;
    }

    /** Opens {@code dir}; a missing one is a {@link NoSuchFileException}. */
    public static OpenDir open(Path dir) throws IOException {
        return walk(dir, false, PRIVATE);
    }

    /**
     * Opens {@code dir}, creating it and its missing parents on the way: this process's user's, with {@code mode}
     * ({@link #PRIVATE} or {@link #PASSAGE}) whatever the umask.
     */
    public static OpenDir make(Path dir, int mode) throws IOException {
        return walk(dir, true, mode);
    }

    /**
     * The directory of {@code file}, made if missing, and the file's name in it. A link at the file itself is
     * resolved where only root could have made it (an operator may link a COW file elsewhere); anywhere else it is
     * left for the caller's checks to refuse.
     */
    public static Place place(Path file, int mode) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        for (int links = 0; links <= MAX_LINKS; links++) {
            OpenDir dir = make(target.getParent(), mode);
            String name = target.getFileName().toString();
            Optional<Path> linked;
            try {
                linked = ownLinkTarget(dir, name);
            } catch (IOException | RuntimeException e) {
                dir.close();
                throw e;
            }
            if (linked.isEmpty()) {
                return new Place(dir, name);
            }
            dir.close();
            target = linked.get();
        }
        throw new IOException(file + " leads through more than " + MAX_LINKS + " symbolic links");
    }

    /** Where {@code name} in {@code dir} leads, if it is a link that only root could have made; else empty. */
    private static Optional<Path> ownLinkTarget(OpenDir dir, String name) throws IOException {
        Optional<FileStat> entry = dir.lstat(name);
        if (!dir.ownOnly || entry.isEmpty() || !entry.get().isSymlink()) {
            return Optional.empty();
        }
        // Only root can change dir and the way to it: reading the link by its path reads this very link.
        return Optional.of(dir.path.resolve(Files.readSymbolicLink(dir.path.resolve(name))).normalize());
    }

    /** A file's directory, open, and its name there. */
    public record Place(OpenDir dir, String name) implements AutoCloseable {
        public Path path() {
            return dir.path.resolve(name);
        }

        @Override
        public void close() {
            dir.close();
        }
    }

    public Path path() {
        return path;
    }

    /** Whether {@link #make} created this directory itself (not only some of its parents). */
    public boolean created() {
        return created;
    }

    /**
     * The directory {@code name} in this one, opened without following a link: whoever may write here could have
     * put one there to lead root elsewhere.
     */
    public OpenDir directory(String name) throws IOException {
        int sub = LIBC.openat(fd, name, DIRECTORY, 0);
        if (sub < 0) {
            throw failure(path.resolve(name), errno());
        }
        return new OpenDir(path.resolve(name), sub, false, false);
    }

    /** What {@code name} is, not following it if it is a link; empty when there is none. */
    private Optional<FileStat> lstat(String name) throws IOException {
        OptionalInt entry = entry(fd, name, path);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(fstat(entry.getAsInt(), path.resolve(name)));
        } finally {
            POSIX.close(entry.getAsInt());
        }
    }

    /**
     * Gives this directory to {@code owner}. Refused when someone else owns it: it is then not one that yucon made or
     * handed over.
     */
    public void handOver(Owner owner) throws IOException {
        FileStat stat = fstat(fd, path);
        checkOwner(path, stat, owner);
        if (POSIX.fchown(fd, owner.uid(), owner.gid()) < 0) {
            throw failure(path, errno());
        }
    }

    /**
     * Gives the entry {@code name} to {@code owner}, acting on exactly the file it checked (fchownat on a descriptor
     * of it, never the name again). Returns false when there is no such entry. Refused, with a sentence naming it,
     * when the entry is a link (it would give its target away), not a regular file (a pipe would hang a reader, a
     * device is the host's), someone else's, or a file with another hard link (a root file linked in from elsewhere).
     */
    public boolean handOver(String name, Owner owner) throws IOException {
        Path file = path.resolve(name);
        OptionalInt opened = entry(fd, name, path);
        if (opened.isEmpty()) {
            return false;
        }
        int entry = opened.getAsInt();
        try {
            FileStat stat = fstat(entry, file);
            checkRegular(file, stat);
            checkOwner(file, stat, owner);
            if (stat.nlink() != 1) {
                throw new IOException(file + " has " + stat.nlink() + " hard links; yucon hands over only a file that has one");
            }
            if (LIBC.fchownat(entry, "", owner.uid(), owner.gid(), AT_EMPTY_PATH) < 0) {
                throw failure(file, errno());
            }
            return true;
        } finally {
            POSIX.close(entry);
        }
    }

    /**
     * Creates the file {@code name} (mode 0600) for {@code owner}, {@code length} bytes long and sparse, starting
     * with {@code head}; returns false if the name exists (as anything, a link too). The file is given away through
     * its own descriptor before a byte is written, so nothing else can be made or written in its place.
     */
    public boolean create(String name, byte[] head, long length, Owner owner) throws IOException {
        Path file = path.resolve(name);
        int flags = OpenFlags.O_WRONLY.intValue() | OpenFlags.O_CREAT.intValue() | OpenFlags.O_EXCL.intValue() | NOFOLLOW | CLOEXEC;
        int created = LIBC.openat(fd, name, flags, 0600);
        if (created < 0) {
            int errno = errno();
            if (errno == Errno.EEXIST.intValue()) {
                return false;
            }
            throw failure(file, errno);
        }
        try {
            if (POSIX.fchown(created, owner.uid(), owner.gid()) < 0 || POSIX.ftruncate(created, length) < 0
                    || POSIX.pwrite(created, head, head.length, 0) != head.length) {
                throw failure(file, errno());
            }
            return true;
        } finally {
            POSIX.close(created);
        }
    }

    /**
     * Up to {@code max} bytes of the regular file {@code name}, read without following a link; empty when there is
     * none, or it is a link or anything but a regular file. Opened non-blocking: a pipe put there does not hang us.
     */
    public Optional<String> read(String name, int max) throws IOException {
        int flags = OpenFlags.O_RDONLY.intValue() | OpenFlags.O_NONBLOCK.intValue() | OpenFlags.O_NOCTTY.intValue()
                | NOFOLLOW | CLOEXEC;
        int file = LIBC.openat(fd, name, flags, 0);
        if (file < 0) {
            return Optional.empty();
        }
        try {
            if (!fstat(file, path.resolve(name)).isFile()) {
                return Optional.empty();
            }
            byte[] bytes = new byte[max];
            long n = POSIX.read(file, bytes, max);
            return n < 0 ? Optional.empty() : Optional.of(new String(bytes, 0, (int) n, StandardCharsets.UTF_8));
        } finally {
            POSIX.close(file);
        }
    }

    /**
     * Deletes {@code name} and, if it is a directory, everything below it, following no link (a link is deleted,
     * never what it points to); a missing entry is fine.
     */
    public void deleteTree(String name) throws IOException {
        Optional<FileStat> entry = lstat(name);
        if (entry.isEmpty()) {
            return;
        }
        if (entry.get().isDirectory()) {
            try (OpenDir sub = directory(name)) {
                for (String inner : sub.names()) {
                    sub.deleteTree(inner);
                }
            }
        }
        if (LIBC.unlinkat(fd, name, entry.get().isDirectory() ? AT_REMOVEDIR : 0) < 0 && errno() != Errno.ENOENT.intValue()) {
            throw failure(path.resolve(name), errno());
        }
    }

    /** The names in this directory, read through this descriptor (proc(5): the fd's own directory, whatever its path). */
    private List<String> names() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd", Integer.toString(fd)))) {
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
        }
        return names;
    }

    @Override
    public void close() {
        POSIX.close(fd);
    }

    private static OpenDir walk(Path dir, boolean make, int mode) throws IOException {
        Deque<String> rest = names(dir.toAbsolutePath().normalize());
        Path at = ROOT;
        int fd = openRoot();
        boolean ownOnly = true;
        boolean created = false;
        int links = 0;
        try {
            while (!rest.isEmpty()) {
                String name = rest.pop();
                ownOnly &= ownOnly(fstat(fd, at));
                Path next = at.resolve(name);
                int sub = LIBC.openat(fd, name, DIRECTORY, 0);
                int errno = sub < 0 ? errno() : 0;
                created = false;
                if (errno == Errno.ENOENT.intValue() && make) {
                    created = makeDirectory(fd, name, next);
                    sub = LIBC.openat(fd, name, DIRECTORY, 0);
                    errno = sub < 0 ? errno() : 0;
                    // The umask takes bits from mkdirat's mode; the one asked for is set on what was opened.
                    if (created && sub >= 0 && POSIX.fchmod(sub, mode) < 0) {
                        int failed = errno();
                        POSIX.close(sub);
                        throw failure(next, failed);
                    }
                }
                if (sub >= 0) {
                    POSIX.close(fd);
                    fd = sub;
                    at = next;
                    continue;
                }
                if (!isLink(fd, name, at, errno)) {
                    throw failure(next, errno);
                }
                if (!ownOnly) {
                    throw new IOException(next + " is a symbolic link in a directory that others than root may change; "
                            + "yucon does not follow it");
                }
                if (++links > MAX_LINKS) {
                    throw new IOException(dir + " leads through more than " + MAX_LINKS + " symbolic links");
                }
                // Only root can change `next` and the way to it: reading it by path reads this very link.
                List<String> target = new ArrayList<>(names(at.resolve(Files.readSymbolicLink(next)).normalize()));
                for (int i = target.size() - 1; i >= 0; i--) {
                    rest.push(target.get(i));
                }
                POSIX.close(fd);
                fd = openRoot();
                at = ROOT;
            }
            return new OpenDir(at, fd, ownOnly && ownOnly(fstat(fd, at)), created);
        } catch (IOException | RuntimeException e) {
            POSIX.close(fd);
            throw e;
        }
    }

    /** Makes the directory {@code name}; false if it was there already (made meanwhile by someone else). */
    private static boolean makeDirectory(int fd, String name, Path path) throws IOException {
        if (LIBC.mkdirat(fd, name, PRIVATE) == 0) {
            return true;
        }
        int errno = errno();
        if (errno != Errno.EEXIST.intValue()) {
            throw new IOException("cannot create " + path + ": " + describe(errno));
        }
        return false;
    }

    /** Whether an O_NOFOLLOW open of {@code name} failed with {@code errno} because it is a symbolic link. */
    private static boolean isLink(int fd, String name, Path at, int errno) throws IOException {
        if (errno != Errno.ENOTDIR.intValue() && errno != Errno.ELOOP.intValue()) {
            return false;
        }
        OptionalInt entry = entry(fd, name, at);
        if (entry.isEmpty()) {
            return false;
        }
        try {
            return fstat(entry.getAsInt(), at.resolve(name)).isSymlink();
        } finally {
            POSIX.close(entry.getAsInt());
        }
    }

    /**
     * A descriptor that names {@code name} in directory {@code fd} (at {@code at}) without opening it, links
     * included: nothing is followed, and a pipe or device is never opened. Empty when there is no such entry.
     */
    private static OptionalInt entry(int fd, String name, Path at) throws IOException {
        int entry = LIBC.openat(fd, name, O_PATH | NOFOLLOW | CLOEXEC, 0);
        if (entry >= 0) {
            return OptionalInt.of(entry);
        }
        int errno = errno();
        if (errno == Errno.ENOENT.intValue()) {
            return OptionalInt.empty();
        }
        throw failure(at.resolve(name), errno);
    }

    private static Deque<String> names(Path absolute) {
        Deque<String> names = new ArrayDeque<>();
        absolute.forEach(name -> names.add(name.toString()));
        return names;
    }

    private static int openRoot() throws IOException {
        int fd = LIBC.openat(AT_FDCWD, "/", DIRECTORY, 0);
        if (fd < 0) {
            throw failure(ROOT, errno());
        }
        return fd;
    }

    /** Owned by root or by this process's user, and writable by nobody else: no one else could put a link in it. */
    private static boolean ownOnly(FileStat dir) {
        return (dir.uid() == 0 || dir.uid() == POSIX.geteuid()) && (dir.mode() & 022) == 0;
    }

    private static void checkRegular(Path file, FileStat stat) throws IOException {
        if (stat.isSymlink()) {
            throw new IOException(file + " is a symbolic link; yucon does not follow links among a guest's files");
        }
        if (!stat.isFile()) {
            throw new IOException(file + " is " + kind(stat) + ", not a regular file");
        }
    }

    private static void checkOwner(Path file, FileStat stat, Owner owner) throws IOException {
        if (stat.uid() != 0 && stat.uid() != owner.uid()) {
            throw new IOException(file + " belongs to uid " + stat.uid() + ", neither root nor " + owner.name()
                    + " (uid " + owner.uid() + "); yucon does not hand it over");
        }
    }

    private static String kind(FileStat stat) {
        if (stat.isDirectory()) {
            return "a directory";
        }
        if (stat.isFifo()) {
            return "a named pipe";
        }
        return stat.isSocket() ? "a socket" : "a device";
    }

    private static FileStat fstat(int fd, Path path) throws IOException {
        FileStat stat = POSIX.allocateStat();
        if (POSIX.fstat(fd, stat) < 0) {
            throw failure(path, errno());
        }
        return stat;
    }

    private static int errno() {
        return POSIX.errno();
    }

    private static IOException failure(Path path, int errno) {
        if (errno == Errno.ENOENT.intValue()) {
            return new NoSuchFileException(path.toString());
        }
        return new IOException(path + ": " + describe(errno));
    }

    private static String describe(int errno) {
        Errno known = Errno.valueOf(errno);
        return known == Errno.__UNKNOWN_CONSTANT__ ? "error " + errno : known.description();
    }
}
