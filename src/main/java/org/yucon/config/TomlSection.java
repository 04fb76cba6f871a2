package org.yucon.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Typed reads from one table of a TOML file, each failure naming file, line and key.
 * It remembers which keys were read so that {@link #rejectUnknownKeys()} can name a misspelt one.
 * Used by one loading thread only.
 */
final class TomlSection {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMG]?)i?B?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final Path file;
    private final TomlTable table;
    private final String prefix;
    private final Set<String> read = new LinkedHashSet<>();

    TomlSection(Path file, TomlTable table, String prefix) {
        this.file = file;
        this.table = table;
        this.prefix = prefix;
    }

    Path file() {
        return file;
    }

    Optional<TomlSection> section(String key) throws ConfigException {
        return section(key, "must be a table [" + qualified(key) + "]");
    }

    /** The table under key; {@code problem} says what is wrong when the key holds something else. */
    Optional<TomlSection> section(String key, String problem) throws ConfigException {
        Object value = get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof TomlTable)) {
            throw error(key, problem);
        }
        return Optional.of(new TomlSection(file, (TomlTable) value, qualified(key) + "."));
    }

    /** The table under key, or an empty one when the file has none (all its settings then take defaults). */
    TomlSection sectionOrEmpty(String key) throws ConfigException {
        Optional<TomlSection> section = section(key);
        return section.isPresent() ? section.get() : new TomlSection(file, Toml.parse(""), qualified(key) + ".");
    }

    /** Every table of an array of tables ([[key]]), in file order. */
    List<TomlSection> sections(String key) throws ConfigException {
        Object value = get(key);
        List<TomlSection> result = new ArrayList<>();
        if (value == null) {
            return result;
        }
        if (!allOf(value, TomlTable.class)) {
            throw error(key, "must be an array of tables [[" + qualified(key) + "]]");
        }
        TomlArray array = (TomlArray) value;
        for (int i = 0; i < array.size(); i++) {
            result.add(new TomlSection(file, array.getTable(i), qualified(key) + "[" + i + "]."));
        }
        return result;
    }

    Optional<String> string(String key) throws ConfigException {
        Object value = get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String)) {
            throw error(key, "must be a string in quotes");
        }
        return Optional.of((String) value);
    }

    /** A string, or a whole number as its decimal text: for settings such as a runlevel (3 or "single"). */
    Optional<String> scalar(String key) throws ConfigException {
        Object value = get(key);
        if (value instanceof Long) {
            return Optional.of(value.toString());
        }
        if (value != null && !(value instanceof String)) {
            throw error(key, "must be a string in quotes or a whole number");
        }
        return Optional.ofNullable((String) value);
    }

    /** Whether the table sets key, which is known here from now on (for {@link #rejectUnknownKeys()}). */
    boolean has(String key) {
        read.add(key);
        return table.contains(List.of(key));
    }

    String requiredString(String key) throws ConfigException {
        return string(key).orElseThrow(() -> missing(key));
    }

    boolean bool(String key, boolean fallback) throws ConfigException {
        Object value = get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean)) {
            throw error(key, "must be true or false");
        }
        return (Boolean) value;
    }

    long integer(String key, long fallback, long min, long max) throws ConfigException {
        Object value = get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Long)) {
            throw error(key, "must be a whole number");
        }
        long n = (Long) value;
        if (n < min || n > max) {
            throw error(key, "is " + n + ", must be between " + min + " and " + max);
        }
        return n;
    }

    List<String> strings(String key) throws ConfigException {
        Object value = get(key);
        List<String> result = new ArrayList<>();
        if (value == null) {
            return result;
        }
        if (!allOf(value, String.class)) {
            throw error(key, "must be a list of strings, e.g. [\"a\", \"b\"]");
        }
        TomlArray array = (TomlArray) value;
        for (int i = 0; i < array.size(); i++) {
            result.add(array.getString(i));
        }
        return result;
    }

    /** A size in bytes written as a number with an optional K, M or G suffix ("64M", "1048576"). */
    long size(String key, long fallback, long min, long max) throws ConfigException {
        Object value = get(key);
        if (value == null) {
            return fallback;
        }
        long bytes = value instanceof Long ? (Long) value : parseSize(key, value);
        if (bytes < min || bytes > max) {
            throw error(key, "is " + bytes + " bytes, must be between " + min + " and " + max);
        }
        return bytes;
    }

    /** A duration written as "500ms", "30s", "5m" or "1h". */
    Duration duration(String key, Duration fallback, Duration max) throws ConfigException {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        Matcher m = DURATION.matcher(text.get().trim());
        if (!m.matches()) {
            throw error(key, "is \"" + text.get() + "\", must be a duration such as \"500ms\", \"30s\", \"5m\" or \"1h\"");
        }
        try {
            Duration d = Duration.of(Long.parseLong(m.group(1)), unit(m.group(2)));
            if (d.compareTo(max) <= 0) {
                return d;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // more digits than a long or a Duration holds: too long, like any other over the maximum
        }
        throw error(key, "is " + text.get() + ", must be at most " + max.toSeconds() + "s");
    }

    /** A path; relative ones are taken from the directory of the file that names them. */
    Optional<Path> path(String key) throws ConfigException {
        Optional<String> text = string(key);
        if (text.isPresent() && text.get().isBlank()) {
            throw error(key, "must not be empty");
        }
        try {
            return text.map(t -> file.toAbsolutePath().getParent().resolve(t).normalize());
        } catch (InvalidPathException e) {
            throw error(key, "is not a usable path (" + e.getReason() + ")");
        }
    }

    /** Fails naming the first key of this table that no read asked for. */
    void rejectUnknownKeys() throws ConfigException {
        for (String key : table.keySet()) {
            if (!read.contains(key)) {
                throw error(key, "unknown key '" + qualified(key) + "'" + (read.isEmpty() ? "" : " (known here: " + String.join(", ", new TreeSet<>(read)) + ")"));
            }
        }
    }

    ConfigException error(String key, String problem) {
        String text = problem.startsWith("unknown key") ? problem : "'" + qualified(key) + "' " + problem;
        return new ConfigException(file, line(key), text);
    }

    ConfigException missing(String key) {
        return new ConfigException(file, 0, "missing required key '" + qualified(key) + "'");
    }

    /** TOML arrays may mix types; ours may not. */
    private static boolean allOf(Object value, Class<?> type) {
        return value instanceof TomlArray && ((TomlArray) value).toList().stream().allMatch(type::isInstance);
    }

    private Object get(String key) {
        read.add(key);
        return table.get(List.of(key));
    }

    private int line(String key) {
        TomlPosition position = table.inputPositionOf(List.of(key));
        return position == null ? 0 : position.line();
    }

    private String qualified(String key) {
        return prefix + key;
    }

    private long parseSize(String key, Object value) throws ConfigException {
        Matcher m = value instanceof String ? SIZE.matcher(((String) value).trim()) : null;
        if (m == null || !m.matches()) {
            throw error(key, "is " + value + ", must be a size such as 65536, \"512K\", \"64M\" or \"1G\"");
        }
        try {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2).toUpperCase()) {
                case "K": return Math.multiplyExact(n, 1L << 10);
                case "M": return Math.multiplyExact(n, 1L << 20);
                case "G": return Math.multiplyExact(n, 1L << 30);
                default: return n;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw error(key, "is " + value + ", which is too large");
        }
    }

    private static java.time.temporal.ChronoUnit unit(String suffix) {
        switch (suffix) {
            case "ms": return java.time.temporal.ChronoUnit.MILLIS;
            case "m": return java.time.temporal.ChronoUnit.MINUTES;
            case "h": return java.time.temporal.ChronoUnit.HOURS;
            default: return java.time.temporal.ChronoUnit.SECONDS;
        }
    }
}
