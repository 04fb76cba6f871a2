package org.yucon.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Packages of one Debian suite, fetched and unpacked without installing anything: apt runs with a private
 * sources file and private lists, so the system's apt sources and dpkg database stay untouched and no root
 * privileges are needed.
 */
final class DebianArchive {

    static final Path SYSTEM_SOURCES = Path.of("/etc/apt/sources.list.d/debian.sources");

    private static final Duration UPDATE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration DPKG_TIMEOUT = Duration.ofMinutes(2);

    private final String mirror;
    private final String suite;
    private final Path aptDir;
    private final Path debDir;
    private final Consumer<String> progress;
    private boolean listsFresh;

    DebianArchive(Path cacheDir, String mirror, String suite, Consumer<String> progress) {
        this.mirror = mirror;
        this.suite = suite;
        this.aptDir = cacheDir.resolve("apt").resolve(suite);
        this.debDir = cacheDir.resolve("debs").resolve(suite);
        this.progress = progress;
    }

    /** An archive of {@code suite} on the mirror this host already uses, so no host name is written anywhere. */
    static DebianArchive ofSystemMirror(Path cacheDir, String suite, Consumer<String> progress)
            throws ProvisioningException {
        return new DebianArchive(cacheDir, systemMirror(), suite, progress);
    }

    String suite() {
        return suite;
    }

    /** Unpacks {@code pkg} into {@code target} like {@code dpkg -x}: files only, no maintainer scripts. */
    void unpack(String pkg, Path target) throws ProvisioningException {
        FileOps.createDirectories(target);
        new ExternalCommand(List.of("dpkg", "-x", deb(pkg).toString(), target.toString()), DPKG_TIMEOUT).run();
    }

    /** The Debian version of {@code pkg}, e.g. "7.2um1". */
    String version(String pkg) throws ProvisioningException {
        return new ExternalCommand(List.of("dpkg-deb", "-f", deb(pkg).toString(), "Version"), DPKG_TIMEOUT)
                .run().strip();
    }

    /** The cached .deb of {@code pkg}, downloaded first if it is not there yet. */
    Path deb(String pkg) throws ProvisioningException {
        Optional<Path> cached = cachedDeb(pkg);
        if (cached.isPresent()) {
            return cached.get();
        }
        download(pkg);
        return cachedDeb(pkg).orElseThrow(() -> new ProvisioningException(
                "apt-get download " + pkg + " succeeded but left no " + pkg + "_*.deb in " + debDir + "."));
    }

    private void download(String pkg) throws ProvisioningException {
        progress.accept("downloading " + pkg + " from Debian " + suite);
        // A suite like sid moves daily, so lists from an earlier run may name a .deb the mirror has dropped.
        if (!listsFresh) {
            update();
        }
        FileOps.createDirectories(debDir);
        new ExternalCommand(apt("download", pkg), DOWNLOAD_TIMEOUT, debDir).run();
    }

    private void update() throws ProvisioningException {
        FileOps.createDirectories(aptDir.resolve("lists"));
        FileOps.createDirectories(aptDir.resolve("cache"));
        FileOps.write(sourcesFile(), "deb " + mirror + " " + suite + " main\n");
        new ExternalCommand(apt("update"), UPDATE_TIMEOUT).run();
        listsFresh = true;
    }

    private List<String> apt(String... command) {
        List<String> argv = new ArrayList<>(List.of(
                "apt-get", "-q",
                "-oDir::Etc::SourceList=" + sourcesFile(),
                "-oDir::Etc::SourceParts=/dev/null",
                "-oDir::State::Lists=" + aptDir.resolve("lists"),
                "-oDir::Cache=" + aptDir.resolve("cache")));
        argv.addAll(Arrays.asList(command));
        return argv;
    }

    private Path sourcesFile() {
        return aptDir.resolve("sources.list");
    }

    /** Package names never contain '_', so "NAME_" starts only that package's file names. */
    private Optional<Path> cachedDeb(String pkg) throws ProvisioningException {
        if (!Files.isDirectory(debDir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(debDir)) {
            return files.filter(f -> isDebOf(f, pkg)).sorted().findFirst();
        } catch (IOException e) {
            throw new ProvisioningException("Could not list " + debDir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isDebOf(Path file, String pkg) {
        String name = file.getFileName().toString();
        return name.startsWith(pkg + "_") && name.endsWith(".deb");
    }

    static String systemMirror() throws ProvisioningException {
        try {
            return mirrorOf(Files.readString(SYSTEM_SOURCES));
        } catch (IOException e) {
            throw new ProvisioningException("Could not read the Debian mirror from " + SYSTEM_SOURCES + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The first URI of the first deb822 stanza that serves a main suite (one without "-security" or "-updates"),
     * e.g. "http://deb.debian.org/debian".
     */
    static String mirrorOf(String deb822) throws ProvisioningException {
        for (String stanza : deb822.split("\\n\\s*\\n")) {
            Map<String, String> fields = fields(stanza);
            boolean debs = words(fields.get("types")).contains("deb");
            boolean mainSuite = words(fields.get("suites")).stream().anyMatch(s -> !s.contains("-"));
            List<String> uris = words(fields.get("uris"));
            if (debs && mainSuite && !uris.isEmpty()) {
                return stripTrailingSlash(uris.get(0));
            }
        }
        throw new ProvisioningException("No deb822 stanza with Types: deb, a main suite and a URIs: line in "
                + SYSTEM_SOURCES + ".");
    }

    private static Map<String, String> fields(String stanza) {
        Map<String, String> fields = new HashMap<>();
        for (String line : stanza.split("\\n")) {
            int colon = line.indexOf(':');
            if (!line.startsWith("#") && !line.startsWith(" ") && colon > 0) {
                fields.put(line.substring(0, colon).strip().toLowerCase(), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }

    private static List<String> words(String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
    }

    private static String stripTrailingSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
