package org.yucon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.yucon.util.PrivateFiles;

/**
 * One account's file, edited line by line so that comments and keys nobody touched stay as the operator wrote
 * them. Account files are flat: {@code key = value} lines, no tables. Used by one command at a time.
 */
public final class AccountFile {
    private final Path file;
    private final List<String> lines;

    private AccountFile(Path file, List<String> lines) {
        this.file = file;
        this.lines = lines;
    }

    /** The file of account {@code name} in {@code accountsDir}; empty (not yet on disk) for a new account. */
    public static AccountFile of(Path accountsDir, String name) throws IOException {
        if (!ConfigLoader.NAME.matcher(name).matches()) {
            throw new IOException("'" + name + "' is not an account name: lower-case letters, digits, '-' or '_', starting with a letter");
        }
        Path file = accountsDir.resolve(name + ".toml");
        return new AccountFile(file, Files.exists(file) ? new ArrayList<>(Files.readAllLines(file)) : new ArrayList<>());
    }

    public Path path() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /** Sets a key to a TOML value, replacing its line or adding one. */
    public void set(String key, String tomlValue) {
        String line = key + " = " + tomlValue;
        int at = lineOf(key);
        if (at >= 0) {
            lines.set(at, line);
        } else {
            lines.add(line);
        }
    }

    public void setString(String key, String value) {
        set(key, "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }

    /** The guests the file grants now. */
    public List<String> guests() {
        TomlArray array = Toml.parse(String.join("\n", lines)).getArray("guests");
        List<String> guests = new ArrayList<>();
        for (int i = 0; array != null && i < array.size(); i++) {
            guests.add(String.valueOf(array.get(i)));
        }
        return guests;
    }

    public void setGuests(List<String> guests) {
        set("guests", guests.stream().map(g -> "\"" + g + "\"").collect(Collectors.joining(", ", "[", "]")));
    }

    /** Writes the file whole or not at all, returning what it held before (empty for a new one). */
    public Optional<String> save() throws IOException {
        Optional<String> before = Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        PrivateFiles.directories(file.getParent());
        PrivateFiles.replace(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        return before;
    }

    private int lineOf(String key) {
        Pattern keyLine = Pattern.compile("\\s*" + Pattern.quote(key) + "\\s*=.*");
        for (int i = 0; i < lines.size(); i++) {
            if (keyLine.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }
}
