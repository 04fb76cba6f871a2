package org.yucon.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OpenDir} in a temporary directory, which lies under /tmp (writable by all): no link there is followed.
 * The tests run as root, as the keeper does; files are handed to uid 65534.
 */
class OpenDirTest {
    private static final Owner GUEST = new Owner("guest", 65534, 65534);
    private final POSIX posix = POSIXFactory.getNativePOSIX();

    @TempDir
    Path dir;
    private Path target;

    @BeforeEach
    void rootFile() throws IOException {
        target = Files.writeString(dir.resolve("root-file"), "precious\n");
    }

    @Test
    void aRegularFileIsHandedOver() throws IOException {
        Files.writeString(dir.resolve("root.cow"), "cow");
        try (OpenDir open = OpenDir.open(dir)) {
            assertTrue(open.handOver("root.cow", GUEST));
            assertFalse(open.handOver("missing.cow", GUEST), "a missing file is no error");
        }
        assertEquals(65534, uid(dir.resolve("root.cow")));
    }

    @Test
    void aLinkIsRefusedAndItsTargetKeepsItsOwner() throws IOException {
        Files.createSymbolicLink(dir.resolve("root.cow"), target);
        IOException refused = assertThrows(IOException.class, () -> handOver("root.cow"));
        assertEquals(dir.resolve("root.cow") + " is a symbolic link; yucon does not follow links among a guest's files",
                refused.getMessage());
        assertEquals(0, uid(target));
        assertEquals(0, uid(dir.resolve("root.cow")), "not even the link itself changes hands");
    }

    @Test
    void aPipeASecondHardLinkAndAStrangersFileAreRefused() throws IOException {
        assertEquals(0, posix.mkfifo(dir.resolve("pipe").toString(), 0600));
        assertEquals(dir.resolve("pipe") + " is a named pipe, not a regular file",
                assertThrows(IOException.class, () -> handOver("pipe")).getMessage());

        Files.createLink(dir.resolve("linked"), target);
        assertEquals(dir.resolve("linked") + " has 2 hard links; yucon hands over only a file that has one",
                assertThrows(IOException.class, () -> handOver("linked")).getMessage());
        assertEquals(0, uid(target));

        Path strangers = Files.writeString(dir.resolve("strangers"), "x");
        assertEquals(0, posix.chown(strangers.toString(), 4242, 4242));
        assertEquals(strangers + " belongs to uid 4242, neither root nor guest (uid 65534); yucon does not hand it over",
                assertThrows(IOException.class, () -> handOver("strangers")).getMessage());
    }

    @Test
    void aNewFileIsMadeForItsOwnerAndANameThatIsALinkIsNotFollowed() throws IOException {
        byte[] head = "HEAD".getBytes();
        try (OpenDir open = OpenDir.open(dir)) {
            assertTrue(open.create("swap", head, 1 << 20, GUEST));
            Path missing = dir.resolve("would-be-made");
            Files.createSymbolicLink(dir.resolve("linked-swap"), missing);
            assertFalse(open.create("linked-swap", head, 1 << 20, GUEST), "a name that is there, a link too, is not created");
            assertFalse(Files.exists(missing, LinkOption.NOFOLLOW_LINKS), "nothing is made through the link");
        }
        Path swap = dir.resolve("swap");
        assertEquals(65534, uid(swap));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(swap)));
        assertEquals(1 << 20, Files.size(swap));
        assertEquals("HEAD", new String(Files.readAllBytes(swap), 0, 4));
    }

    @Test
    void aLinkOnTheWayIsFollowedOnlyWhereOnlyRootMayHaveMadeIt() throws IOException {
        Files.createDirectories(dir.resolve("real/sub"));
        Files.createSymbolicLink(dir.resolve("via"), dir.resolve("real"));
        IOException refused = assertThrows(IOException.class, () -> OpenDir.open(dir.resolve("via/sub")));
        assertEquals(dir.resolve("via") + " is a symbolic link in a directory that others than root may change; "
                + "yucon does not follow it", refused.getMessage());
        // /proc/self is a link in a directory only root may change: followed.
        try (OpenDir self = OpenDir.open(Path.of("/proc/self"))) {
            assertEquals(Path.of("/proc", Long.toString(ProcessHandle.current().pid())), self.path());
        }
    }

    @Test
    void aLinkAtTheFileIsFollowedOnlyWhereOnlyRootMayHaveMadeIt() throws IOException {
        // /proc/self/exe lies in a directory of root's (the tests run as root) that nobody else may write.
        try (OpenDir.Place java = OpenDir.place(Path.of("/proc/self/exe"), OpenDir.PRIVATE)) {
            assertEquals(Path.of(ProcessHandle.current().info().command().orElseThrow()).toRealPath(), java.path());
        }
        Files.createSymbolicLink(dir.resolve("root.cow"), target);
        try (OpenDir.Place cow = OpenDir.place(dir.resolve("root.cow"), OpenDir.PRIVATE)) {
            assertEquals(dir.resolve("root.cow"), cow.path(), "in a directory others may write, the link stays itself");
        }
    }

    @Test
    void makeCreatesWhatIsMissingAndSaysWhetherItMadeTheDirectoryItself() throws IOException {
        try (OpenDir made = OpenDir.make(dir.resolve("a/b"), OpenDir.PRIVATE)) {
            assertTrue(made.created());
        }
        try (OpenDir again = OpenDir.make(dir.resolve("a/b"), OpenDir.PASSAGE)) {
            assertFalse(again.created());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))));
    }

    @Test
    void madeDirectoriesHaveTheModeAskedForWhateverTheUmask() throws IOException {
        POSIX posix = POSIXFactory.getNativePOSIX();
        int umask = posix.umask(0077);
        try (OpenDir made = OpenDir.make(dir.resolve("c/d"), OpenDir.PASSAGE)) {
            assertTrue(made.created());
        } finally {
            posix.umask(umask);
        }
        assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("c"))));
        assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("c/d"))));
    }

    @Test
    void aTreeIsDeletedWithoutGoingThroughItsLinks() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("kept"), "kept");
        Path tree = Files.createDirectories(dir.resolve("umid/deeper"));
        Files.writeString(tree.resolve("pid"), "1");
        Files.createSymbolicLink(tree.resolve("trap"), outside);
        Files.createSymbolicLink(dir.resolve("umid/file-trap"), target);
        FileTrees.delete(dir.resolve("umid"));
        assertFalse(Files.exists(dir.resolve("umid"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("kept", Files.readString(outside.resolve("kept")));
        assertEquals("precious\n", Files.readString(target));
        FileTrees.delete(dir.resolve("umid"));
        FileTrees.delete(dir.resolve("no/such/place"));
    }

    @Test
    void readTakesARegularFileAndNoLink() throws IOException {
        Files.writeString(dir.resolve("pid"), "1234\n");
        Files.createSymbolicLink(dir.resolve("linked-pid"), target);
        try (OpenDir open = OpenDir.open(dir)) {
            assertEquals(Optional.of("1234\n"), open.read("pid", 32));
            assertEquals(Optional.empty(), open.read("linked-pid", 32));
            assertEquals(Optional.empty(), open.read("none", 32));
        }
    }

    private void handOver(String name) throws IOException {
        try (OpenDir open = OpenDir.open(dir)) {
            open.handOver(name, GUEST);
        }
    }

    private static int uid(Path file) throws IOException {
        return (int) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }
}
