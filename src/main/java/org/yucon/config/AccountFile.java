package org.yucon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;
import org.yucon.util.PrivateFiles;

/**
 * One account's file, edited as TOML so that comments and keys nobody touched stay as the operator wrote them. A
 * key set here replaces its value, however many lines that took, and keeps the comment after it; a new key goes at
 * the end. Values are written with TOML's escaping, and each edit is checked by reading the result back: it must
 * give that key that value and leave every other key as it was, so that no value can bring a key of its own (a
 * guest named {@code uml1"]} and a newline, then {@code admin = true}). Account files are flat: keys and values, no
 * tables. Used by one command at a time.
 */
public final class AccountFile {
    private static final String NAME_RULE = "lower-case letters, digits, '-' or '_' (at most 32), starting with a letter";

    private final Path file;
    private final List<String> lines;

    private AccountFile(Path file, List<String> lines) {
        this.file = file;
        this.lines = lines;
    }

    /** The file of account {@code name} in {@code accountsDir}; empty (not yet on disk) for a new account. */
    public static AccountFile of(Path accountsDir, String name) throws IOException {
        requireName("an account", name);
        Path file = accountsDir.resolve(name + ".toml");
        List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file)) : new ArrayList<>();
        TomlParseResult toml;
        try {
            toml = parse(lines);
        } catch (RuntimeException | AssertionError e) {
            // tomlj 1.1.1 stops so at some malformed escapes (see ConfigLoader.open).
            throw new IOException(file + ": not valid TOML, the parser stopped at a malformed string; mend it by hand"
                    + " first");
        }
        if (toml.hasErrors()) {
            TomlParseError first = toml.errors().get(0);
            throw new IOException(file + " line " + first.position().line() + ": not valid TOML: " + first.getMessage()
                    + "; mend it by hand first");
        }
        return new AccountFile(file, lines);
    }

    public Path path() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    public void setString(String key, String value) throws IOException {
        set(key, quoted(value), value);
    }

    public void setBoolean(String key, boolean value) throws IOException {
        set(key, Boolean.toString(value), value);
    }

    /** The guests the file grants now. */
    public List<String> guests() {
        TomlArray array = parse(lines).getArray("guests");
        return array == null ? new ArrayList<>() : new ArrayList<>(array.toList().stream().map(String::valueOf).toList());
    }

    /** Grants exactly these guests; a name that is not a guest name is refused before anything changes. */
    public void setGuests(List<String> guests) throws IOException {
        for (String guest : guests) {
            requireGuestName(guest);
        }
        set("guests", guests.stream().map(AccountFile::quoted).collect(Collectors.joining(", ", "[", "]")), guests);
    }

    /** Writes the file whole or not at all, returning what it held before (empty for a new one). */
    public Optional<String> save() throws IOException {
        Optional<String> before = Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        PrivateFiles.directories(file.getParent());
        PrivateFiles.replace(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        return before;
    }

    /**
     * Saves the file, then loads the whole configuration in {@code etc}; if that fails, the file is put back as it
     * was and the failure thrown.
     */
    public void saveChecked(Path etc) throws IOException, ConfigException {
        Optional<String> before = save();
        try {
            new ConfigLoader(etc).load();
        } catch (ConfigException e) {
            if (before.isPresent()) {
                PrivateFiles.replace(file, before.get().getBytes(StandardCharsets.UTF_8));
            } else {
                Files.deleteIfExists(file);
            }
            throw e;
        }
    }

    /**
     * Gives account {@code name} the password whose SHA-512 crypt hash is {@code hash}: what {@code yucon account
     * passwd} and the web page's "passwords" both do. The account must exist.
     */
    public static void changePassword(Path etc, String name, String hash) throws IOException, ConfigException {
        AccountFile file = of(etc.resolve("accounts"), name);
        if (!file.exists()) {
            throw new IOException("there is no account '" + name + "' (no " + file.path() + ")");
        }
        file.setString("password", hash);
        file.saveChecked(etc);
    }

    /** Refuses, with one sentence, what is not a guest name as the configuration takes it. */
    public static void requireGuestName(String name) throws IOException {
        requireName("a guest", name);
    }

    /** Account and guest names as the configuration takes them; anything else is refused with one sentence. */
    private static void requireName(String kind, String name) throws IOException {
        if (!ConfigLoader.NAME.matcher(name).matches()) {
            throw new IOException(quoted(name) + " is not " + kind + " name: " + NAME_RULE);
        }
    }

    /** A TOML basic string: quotes, backslashes, newlines and other control characters escaped. */
    private static String quoted(String value) {
        return "\"" + Toml.tomlEscape(value) + "\"";
    }

    /**
     * Puts {@code key = toml} in place of the key's value, or at the end, then reads the result back: {@code key} must
     * read as {@code expected} and every other key as before, or nothing changes.
     */
    private void set(String key, String toml, Object expected) throws IOException {
        TomlParseResult before = parse(lines);
        List<String> edited = new ArrayList<>(lines);
        TomlPosition at = before.inputPositionOf(key);
        if (at == null) {
            edited.add(key + " = " + toml);
        } else {
            int first = at.line() - 1;
            int last = lastLineOf(key, first);
            String comment = commentOf(key, first, last);
            String line = key + " = " + toml;
            int column = lines.get(last).length() - comment.length();
            String kept = comment.isEmpty() ? "" : " ".repeat(Math.max(1, column - line.length())) + comment;
            edited.subList(first, last + 1).clear();
            edited.add(first, line + kept);
        }
        TomlParseResult after = parse(edited);
        Map<String, Object> others = plain(before);
        others.put(key, expected);
        if (after.hasErrors() || !plain(after).equals(others)) {
            throw new IOException(file + ": setting " + key + " would not read back as written; nothing was changed");
        }
        lines.clear();
        lines.addAll(edited);
    }

    /** The last line of the key's value, which starts on line {@code first}: where the lines from there read whole. */
    private int lastLineOf(String key, int first) {
        for (int last = first; last < lines.size(); last++) {
            if (readsWhole(key, lines.subList(first, last + 1))) {
                return last;
            }
        }
        return lines.size() - 1;
    }

    /** The comment after the key's value on its last line, or "": from the first '#' before which the value reads whole. */
    private String commentOf(String key, int first, int last) {
        String line = lines.get(last);
        for (int hash = line.indexOf('#'); hash >= 0; hash = line.indexOf('#', hash + 1)) {
            List<String> upToHash = new ArrayList<>(lines.subList(first, last));
            upToHash.add(line.substring(0, hash));
            if (readsWhole(key, upToHash)) {
                return line.substring(hash);
            }
        }
        return "";
    }

    private static boolean readsWhole(String key, List<String> fragment) {
        TomlParseResult toml = parse(fragment);
        return !toml.hasErrors() && toml.contains(key);
    }

    private static TomlParseResult parse(List<String> lines) {
        return Toml.parse(String.join("\n", lines));
    }

    /** A table's keys with plain Java values (lists for arrays, maps for tables), to compare one reading with another. */
    private static Map<String, Object> plain(TomlTable table) {
        Map<String, Object> values = new HashMap<>();
        for (String key : table.keySet()) {
            values.put(key, plain(table.get(List.of(key))));
        }
        return values;
    }

    private static Object plain(Object value) {
        if (value instanceof TomlTable table) {
            return plain(table);
        }
        if (value instanceof TomlArray array) {
            return array.toList().stream().map(AccountFile::plain).toList();
        }
        return value;
    }
}
