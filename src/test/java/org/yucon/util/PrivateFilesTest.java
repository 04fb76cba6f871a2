package org.yucon.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On real files, in a JVM whose umask is the usual 022: the modes are PrivateFiles' own. */
class PrivateFilesTest {
    @TempDir
    Path dir;

    @Test
    void directoriesAreTheOwnersOnly() throws Exception {
        PrivateFiles.directories(dir.resolve("a/b"));

        assertEquals("rwx------", mode(dir.resolve("a")));
        assertEquals("rwx------", mode(dir.resolve("a/b")));
    }

    @Test
    void filesAreTheOwnersOnlyAndOlderOnesAreClosed() throws Exception {
        Path old = Files.writeString(dir.resolve("old.log"), "before\n");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        try (OutputStream out = PrivateFiles.append(old)) {
            out.write("after\n".getBytes(StandardCharsets.UTF_8));
        }
        PrivateFiles.write(dir.resolve("new"), new byte[] {1});

        assertEquals("before\nafter\n", Files.readString(old));
        assertEquals("rw-------", mode(old));
        assertEquals("rw-------", mode(dir.resolve("new")));
    }

    @Test
    void aPassageOpensTheWayFromTheTopOnly() throws Exception {
        Path top = PrivateFiles.directories(dir.resolve("state"));
        Path outside = dir.resolve("cow");
        Files.createDirectories(outside);
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwx------"));

        PrivateFiles.passage(top.resolve("uml/user-nobody"), top);
        PrivateFiles.passage(outside.resolve("alone/deeper"), top);

        assertEquals("rwx--x--x", mode(top));
        assertEquals("rwx--x--x", mode(top.resolve("uml")));
        assertEquals("rwx--x--x", mode(top.resolve("uml/user-nobody")));
        assertEquals("rwx------", mode(outside), "outside the state directory only what was made is opened");
        assertEquals("rwx--x--x", mode(outside.resolve("alone")));
    }

    @Test
    void aDirectoryOthersMayWriteIsRefusedAndOneTheyMayReadIsClosed() throws Exception {
        ProcessUser user = ProcessUser.current();
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxr-x"));

        IOException e = assertThrows(IOException.class, () -> PrivateFiles.requireClosed(state, user));
        assertEquals(state + " may be written by others (rwxrwxr-x), who could replace what yucon keeps there; run chmod go-w "
                + state, e.getMessage());

        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        PrivateFiles.requireClosed(state, user);
        PrivateFiles.closeToOthers(state);
        assertEquals("rwx--x--x", mode(state));
        PrivateFiles.requireClosed(dir.resolve("not-yet"), user);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
