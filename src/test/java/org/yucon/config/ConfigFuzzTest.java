package org.yucon.config;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10^5 damaged configuration files, account and guest files alternately, made from valid ones by seeded random
 * edits: each loads, or fails with one sentence that names the file and, where one applies, the line. A damaged
 * guest file costs that guest only: the guests before and after it load as they did. Nothing else may escape,
 * and no case may hang. A text the edits made before is not loaded again (a quarter of the cases are repeats).
 */
class ConfigFuzzTest {
    private static final int CASES = 100_000;
    private static final long SEED = 20261126;
    private static final List<String> ACCOUNT = List.of(
            "password = \"$6$saltsalt$" + "a".repeat(86) + "\"", "admin = true", "guests = [\"uml1\"]", "escape = \"^B\"");
    private static final List<String> GUEST = List.of("memory = \"64M\"", "umid = \"u1\"", "kernel_args = [\"quiet\"]",
            "restart = \"on-crash\"", "shutdown_timeout = \"5s\"", "[[disk]]", "image = \"root.img\"", "cow = \"u.cow\"",
            "[network]", "bridge = \"br0\"", "mac = \"52:54:00:12:34:56\"", "[limits]", "cpu = \"50%\"", "nice = 5");
    private static final String GOOD_GUEST = "[[disk]]\nimage = \"root.img\"\n";

    /** Characters that mean something to TOML, the likeliest to confuse a parser. */
    private static final String SYNTAX = "=[]\"{}#.\\\n,";

    /** What follows the file's name in an error: its line, if one applies, and the sentence. */
    private static final Pattern AFTER_FILE = Pattern.compile("(?: line ([1-9][0-9]{0,5}))?: (.+)", Pattern.DOTALL);
    private static final String UNREADABLE = "cannot be read (";
    /** Problems of a whole file, which no line shows; every other sentence names a line. */
    private static final List<String> WHOLE_FILE = List.of(UNREADABLE, "not valid TOML: the parser stopped",
            "a guest needs at least one [[disk]]", "missing required key ", "account 'alice' has neither a password");

    @TempDir
    Path etc;

    /** One damaged file's text, and the number of the case that first made it. */
    private record Case(int number, byte[] text) {
        @Override
        public String toString() {
            StringBuilder printable = new StringBuilder("case " + number + " ");
            for (byte b : text) {
                printable.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
            }
            return printable.toString();
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDamagedGuestFileFailsAloneWithOneSentenceOrLoads() throws IOException, ConfigException {
        Path guests = Files.createDirectories(etc.resolve("guests"));
        Files.writeString(guests.resolve("uml1.toml"), GOOD_GUEST);
        Files.writeString(guests.resolve("uml3.toml"), GOOD_GUEST);
        ConfigLoader loader = new ConfigLoader(etc);
        Map<String, GuestConfig> good = loader.loadGuests().guests();
        Path damaged = guests.resolve("uml2.toml");
        for (Case c : cases(false)) {
            rewrite(damaged, c.text());
            ConfigLoader.GuestFiles files = assertDoesNotThrow(loader::loadGuests, c::toString);

            Map<String, GuestConfig> others = new TreeMap<>(files.guests());
            boolean loaded = others.remove("uml2") != null;
            assertEquals(good.keySet(), others.keySet(), () -> c + ": the other guests load");
            assertEquals(good, others, () -> c + ": the other guests load as they did");
            assertEquals(loaded ? 0 : 1, files.errors().size(), () -> c + ": " + files.errors());
            if (!loaded) {
                assertOneSentence(c, damaged, files.errors().get(0));
            }
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDamagedAccountFileFailsWithOneSentenceOrLoads() throws IOException, ConfigException {
        Files.writeString(Files.createDirectories(etc.resolve("guests")).resolve("uml1.toml"), GOOD_GUEST);
        Path alice = Files.createDirectories(etc.resolve("accounts")).resolve("alice.toml");
        ConfigLoader loader = new ConfigLoader(etc);
        Set<String> guests = loader.guestNames();
        for (Case c : cases(true)) {
            rewrite(alice, c.text());
            Optional<ConfigException> error = assertDoesNotThrow(() -> accountsError(loader, guests), c::toString);
            error.ifPresent(e -> assertOneSentence(c, alice, e.getMessage()));
        }
    }

    /**
     * The damaged files of one kind among the {@link #CASES}, in the order the seed makes them, each text once
     * (ISO-8859-1 makes each byte one char: a key by content).
     */
    private static List<Case> cases(boolean accounts) {
        Random random = new Random(SEED);
        Map<String, Case> distinct = new LinkedHashMap<>();
        for (int i = 0; i < CASES; i++) {
            boolean account = i % 2 == 0;
            byte[] text = damaged(account ? ACCOUNT : GUEST, random);
            if (account == accounts) {
                distinct.putIfAbsent(new String(text, ISO_8859_1), new Case(i, text));
            }
        }
        return List.copyOf(distinct.values());
    }

    /** Valid lines, then a few random edits: bytes replaced, inserted or deleted, lines cut or repeated. */
    private static byte[] damaged(List<String> lines, Random random) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            if (random.nextInt(4) != 0) {
                text.append(line).append('\n');
            }
        }
        byte[] bytes = text.toString().getBytes(UTF_8);
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

    /**
     * Writes over the file in place. Emptied and then written ({@code Files.write}), a file cost 0.14 to 0.36 ms a
     * case here, as ext4 starts writing back a file that was truncated to nothing when it is closed
     * (auto_da_alloc); written over and then cut to length, 0.01 ms.
     */
    private static void rewrite(Path file, byte[] text) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(text);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.truncate(text.length);
        }
    }

    private static Optional<ConfigException> accountsError(ConfigLoader loader, Set<String> guests) {
        try {
            loader.loadAccounts(guests, ConsoleSettings.CTRL_A);
            return Optional.empty();
        } catch (ConfigException e) {
            return Optional.of(e);
        }
    }

    /**
     * One line: "FILE line N: sentence", N a line of the file, or "FILE: sentence" for a problem of the whole file
     * (and only a file that is not UTF-8 cannot be read).
     */
    private static void assertOneSentence(Case c, Path file, String message) {
        Supplier<String> what = () -> c + ": " + message;
        assertTrue(message.startsWith(file.toString()) && !message.contains("\n"), what);
        Matcher m = AFTER_FILE.matcher(message.substring(file.toString().length()));
        assertTrue(m.matches(), what);
        if (m.group(1) != null) {
            assertTrue(Integer.parseInt(m.group(1)) <= lines(c.text()), () -> "no such line: " + what.get());
        } else {
            String sentence = m.group(2);
            assertTrue(WHOLE_FILE.stream().anyMatch(sentence::startsWith), () -> "a line applies: " + what.get());
            assertTrue(!sentence.startsWith(UNREADABLE) || !utf8(c.text()), () -> "a UTF-8 file unread: " + what.get());
        }
    }

    /** Lines of a text, counting the one after the last newline (where an unfinished file ends). */
    private static int lines(byte[] text) {
        int lines = 1;
        for (byte b : text) {
            lines += b == '\n' ? 1 : 0;
        }
        return lines;
    }

    private static boolean utf8(byte[] text) {
        try {
            UTF_8.newDecoder().decode(ByteBuffer.wrap(text));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
