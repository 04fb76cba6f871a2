package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.config.ConfigException;

class AuthorizedKeysTest {
    @TempDir
    Path dir;

    @Test
    void aFileThatIsNotUtf8NamesItsLine() throws IOException {
        Path keys = dir.resolve("alice.keys");
        Files.write(keys, new byte[] {'#', ' ', 'o', 'k', '\n', (byte) 0xff, '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> AuthorizedKeys.read(keys));
        assertEquals(keys + " line 2: not UTF-8 text (byte 0xff at column 1)", e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        Path keys = dir.resolve("bob.keys");
        ConfigException e = assertThrows(ConfigException.class, () -> AuthorizedKeys.read(keys));
        assertEquals(keys + ": no such file", e.getMessage());
    }
}
