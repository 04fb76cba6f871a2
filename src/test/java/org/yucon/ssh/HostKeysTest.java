package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeysTest {
    @TempDir
    Path dir;

    @Test
    void keysAreGeneratedOnceOwnerOnlyAndKeepTheirFingerprints() throws IOException {
        List<HostKeys.HostKey> first = new HostKeys(dir).ensure();
        List<HostKeys.HostKey> again = new HostKeys(dir).ensure();

        assertEquals(first, again, "the same keys the second time");
        assertEquals(List.of("ssh-ed25519", "ssh-rsa"), first.stream().map(HostKeys.HostKey::type).toList());
        for (HostKeys.HostKey key : first) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.file())));
            assertTrue(key.fingerprint().startsWith("SHA256:"), key.fingerprint());
        }
    }

    @Test
    void aKeyOthersCanReadIsRefusedWithOneSentence() throws IOException {
        Path key = new HostKeys(dir).ensure().get(0).file();
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        IOException refused = assertThrows(IOException.class, () -> new HostKeys(dir).ensure());
        assertEquals("host key " + key + " can be read by others (rw-r--r--); run chmod 600 " + key, refused.getMessage());
    }
}
