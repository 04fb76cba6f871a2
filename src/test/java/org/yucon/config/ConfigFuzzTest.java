package org.yucon.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10^5 damaged configuration files, account and guest files alternately: loading either succeeds or fails with
 * a {@link ConfigException} whose message is one line naming the file. Nothing else may escape, and no case may
 * hang.
 */
class ConfigFuzzTest {
    private static final int CASES = 100_000;
    private static final List<String> ACCOUNT = List.of(
            "password = \"$6$saltsalt$" + "a".repeat(86) + "\"", "admin = true", "guests = [\"uml1\"]", "escape = \"^B\"");
    private static final List<String> GUEST = List.of("memory = \"64M\"", "umid = \"u1\"", "kernel_args = [\"quiet\"]",
            "restart = \"on-crash\"", "shutdown_timeout = \"5s\"", "[[disk]]", "image = \"root.img\"", "cow = \"u.cow\"",
            "[network]", "bridge = \"br0\"", "mac = \"52:54:00:12:34:56\"", "[limits]", "cpu = \"50%\"", "nice = 5");

    /** Characters that mean something to TOML, the likeliest to confuse a parser. */
    private static final String SYNTAX = "=[]\"{}#.\\\n,";

    @TempDir
    Path etc;

    @Test
    @Timeout(120)
    void damagedFilesFailWithOneSentenceOrLoad() throws IOException {
        Files.writeString(etc.resolve("yucon.toml"), "");
        Files.createDirectories(etc.resolve("guests"));
        Files.createDirectories(etc.resolve("accounts"));
        Files.writeString(etc.resolve("guests/uml1.toml"), "[[disk]]\nimage = \"root.img\"\n");
        Random random = new Random(20261126);
        for (int i = 0; i < CASES; i++) {
            boolean account = i % 2 == 0;
            Path file = etc.resolve(account ? "accounts/alice.toml" : "guests/uml2.toml");
            Files.write(file, damaged(account ? ACCOUNT : GUEST, random));
            try {
                new ConfigLoader(etc).load();
            } catch (ConfigException e) {
                assertTrue(e.getMessage().startsWith(etc.toString()) && !e.getMessage().contains("\n"),
                        "case " + i + ": " + e.getMessage());
            }
        }
    }

    /** Valid lines, then a few random edits: bytes replaced, inserted or deleted, lines cut or repeated. */
    private static byte[] damaged(List<String> lines, Random random) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            if (random.nextInt(4) != 0) {
                text.append(line).append('\n');
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        for (int edits = random.nextInt(4); edits > 0 && bytes.length > 0; edits--) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(3)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes = splice(bytes, at, new byte[] {(byte) SYNTAX.charAt(random.nextInt(SYNTAX.length()))});
                default -> bytes = splice(bytes, at, new byte[0], 1);
            }
        }
        return bytes;
    }

    private static byte[] splice(byte[] bytes, int at, byte[] insert) {
        return splice(bytes, at, insert, 0);
    }

    private static byte[] splice(byte[] bytes, int at, byte[] insert, int remove) {
        byte[] out = new byte[bytes.length - remove + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at + remove, out, at + insert.length, bytes.length - at - remove);
        return out;
    }
}
