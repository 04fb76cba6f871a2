package org.yucon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/** Account files are edited as TOML: values escaped, other keys and comments kept, nothing smuggled in. */
class AccountFileTest {
    @TempDir
    Path dir;

    @Test
    void aValueIsWrittenEscapedAndReadsBackAsItWas() throws IOException {
        AccountFile file = AccountFile.of(dir, "frank");
        String hostile = "x\"\nadmin = true\n# \\\" \u0001 \u00e9";
        file.setString("password", hostile);
        file.setBoolean("admin", false);
        file.save();

        TomlParseResult toml = Toml.parse(dir.resolve("frank.toml"));
        assertFalse(toml.hasErrors(), toml.errors()::toString);
        assertEquals(hostile, toml.getString("password"));
        assertEquals(false, toml.getBoolean("admin"));
        assertEquals(2, toml.keySet().size(), toml.keySet()::toString);
    }

    @Test
    void aGuestThatIsNotANameIsRefusedWithOneSentence() throws IOException {
        AccountFile file = AccountFile.of(dir, "frank");
        IOException e = assertThrows(IOException.class, () -> file.setGuests(List.of("uml1", "uml2\"]\nadmin = true\n#")));
        assertEquals("\"uml2\\\"]\\nadmin = true\\n#\" is not a guest name: lower-case letters, digits, '-' or '_'"
                + " (at most 32), starting with a letter", e.getMessage());
        assertThrows(IOException.class, () -> AccountFile.of(dir, "frank\nadmin"));
    }

    @Test
    void aChangedKeyKeepsTheCommentsAndTheOtherKeys() throws IOException {
        Files.writeString(dir.resolve("frank.toml"), String.join("\n",
                "# frank, from the example",
                "password = \"$6$x$y\"  # a hash",
                "admin = false                   # admins see and drive every guest",
                "guests = [\"uml1\",                # the guests this login owns",
                "          \"uml2\"]              # two of them",
                "escape = \"^B\"",
                ""));
        AccountFile file = AccountFile.of(dir, "frank");
        assertEquals(List.of("uml1", "uml2"), file.guests());

        file.setGuests(List.of("uml2", "uml3"));
        file.save();

        assertEquals(List.of(
                "# frank, from the example",
                "password = \"$6$x$y\"  # a hash",
                "admin = false                   # admins see and drive every guest",
                "guests = [\"uml2\", \"uml3\"]      # two of them",
                "escape = \"^B\""), Files.readAllLines(dir.resolve("frank.toml")));
    }

    @Test
    void anEditThatWouldNotReadBackAsWrittenChangesNothing() throws IOException {
        // Appended after a table, admin would land in the table: the read-back sees no top-level admin and refuses.
        Files.writeString(dir.resolve("frank.toml"), "password = \"x\"\n[extra]\nnote = 1\n");
        AccountFile file = AccountFile.of(dir, "frank");
        IOException e = assertThrows(IOException.class, () -> file.setBoolean("admin", true));
        assertEquals(dir.resolve("frank.toml") + ": setting admin would not read back as written; nothing was changed", e.getMessage());
    }

    @Test
    void aFileThatIsNotTomlIsNamedWithItsLineAndNotEdited() throws IOException {
        Files.writeString(dir.resolve("frank.toml"), "password = \"x\"\nguests = [\"uml1\"\n");
        IOException e = assertThrows(IOException.class, () -> AccountFile.of(dir, "frank"));
        assertEquals(dir.resolve("frank.toml") + " line 2: not valid TOML: Unexpected end of input, expected ], a comma, or a"
                + " newline; mend it by hand first", e.getMessage());
    }
}
