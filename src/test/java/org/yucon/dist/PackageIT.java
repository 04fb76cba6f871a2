package org.yucon.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yucon.testing.Uml;

/**
 * The Debian package that {@code mvn package} builds, checked as an admin would meet it on this machine: lintian
 * finds no error, {@code dpkg -i} installs it, the installed {@code yucon --version} and {@code yucon kernel} work,
 * {@code systemd-analyze verify} accepts its units as installed, and {@code dpkg --purge} leaves nothing behind.
 * Needs root (the suite runs as root). A lock file keeps a concurrently running suite from installing at the same
 * time, and the package is purged on any failure; a yucon package the machine already had is never touched.
 */
class PackageIT {
    private static final Path LOCK = Path.of("/run/lock/yucon-package-it.lock");
    private static final Duration DPKG_LOCK_WAIT = Duration.ofMinutes(5);

    @Test
    void lintianInstallRunVerifyPurge() throws Exception {
        Path deb = deb();
        Run lintian = run(List.of("lintian", "--fail-on", "error", deb.toString()), Map.of());
        assertEquals(0, lintian.status(), "lintian reports errors:\n" + lintian.output());
        assertFalse(lintian.output().contains("E: "), lintian.output());

        try (FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            assertFalse(installed(), "a yucon package is installed on this machine already; PackageIT would replace"
                    + " and purge it: remove it first (dpkg --purge yucon)");
            try {
                Run install = dpkg("-i", deb.toString());
                assertEquals(0, install.status(), install.output());
                assertTrue(installed());
                installedWorks();
            } finally {
                Run purge = dpkg("--purge", "yucon");
                assertEquals(0, purge.status(), purge.output());
            }
            assertFalse(installed(), "purged");
            for (String path : List.of("/usr/bin/yucon", "/usr/share/yucon", "/etc/yucon", "/var/lib/yucon",
                    "/lib/systemd/system/yucon.service", "/lib/systemd/system/yucon-keeper.service")) {
                assertFalse(Files.exists(Path.of(path)), path + " is left after the purge");
            }
        }
    }

    /** The tarball is the .deb's tree for hosts without dpkg: the same files with the same modes (no changelog). */
    @Test
    void theTarballHoldsWhatTheDebHolds() throws Exception {
        Run deb = run(List.of("dpkg-deb", "-c", deb().toString()), Map.of());
        assertEquals(0, deb.status(), deb.output());
        Run tar = run(List.of("tar", "-tvzf", tarball().toString()), Map.of());
        assertEquals(0, tar.status(), tar.output());
        Set<String> inDeb = files(deb.output());
        inDeb.remove("-rw-r--r-- usr/share/doc/yucon/changelog.gz");
        assertEquals(inDeb, files(tar.output()));
        assertTrue(inDeb.contains("-rwxr-xr-x usr/bin/yucon"), inDeb.toString());
        assertTrue(inDeb.contains("-rw------- etc/yucon/accounts/frank.toml.example"), inDeb.toString());
    }

    /** "MODE PATH" of each regular file in a {@code tar -tv} style listing, paths without a leading "./". */
    private static Set<String> files(String listing) {
        Set<String> files = new TreeSet<>();
        for (String line : listing.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 6 && fields[0].startsWith("-")) {
                files.add(fields[0] + " " + fields[fields.length - 1].replaceFirst("^\\./", ""));
            }
        }
        return files;
    }

    private static Path tarball() throws IOException {
        return Path.of("target", "yucon-" + projectVersion() + ".tar.gz");
    }

    private static void installedWorks() throws Exception {
        Run version = run(List.of("/usr/bin/yucon", "--version"), Map.of());
        assertEquals(0, version.status(), version.output());
        assertTrue(version.output().startsWith("yucon " + projectVersion() + "\n"), version.output());

        // The installed command on the kernel this suite's cache already chose: a probe, not a 120 MB download.
        Run kernel = run(List.of("/usr/bin/yucon", "kernel"), Map.of("YUCON_CACHE", Uml.cacheDir().toString()));
        assertEquals(0, kernel.status(), kernel.output());
        assertTrue(kernel.output().contains("chosen: "), kernel.output());

        Run verify = run(List.of("systemd-analyze", "verify", "/lib/systemd/system/yucon-keeper.service",
                "/lib/systemd/system/yucon.service"), Map.of());
        assertEquals(0, verify.status(), verify.output());
        assertEquals("", verify.output(), "systemd-analyze has remarks on the units");

        Path etc = Path.of("/etc/yucon");
        for (String file : List.of("yucon.toml", "yucon.toml.example", "guests/uml1.toml.example", "accounts/frank.toml.example")) {
            assertTrue(Files.isRegularFile(etc.resolve(file)), etc.resolve(file) + " is installed");
        }
        assertEquals("rwx------", permissions(Path.of("/var/lib/yucon")));
        assertEquals("rwx------", permissions(etc.resolve("accounts")));
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static Path deb() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().matches("yucon_.*_all\\.deb")).toList();
            assertEquals(1, debs.size(), "mvn package leaves one .deb in target/: " + debs);
            return debs.get(0);
        }
    }

    private static String projectVersion() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        int start = pom.indexOf("<version>") + "<version>".length();
        return pom.substring(start, pom.indexOf("</version>", start));
    }

    private static boolean installed() throws Exception {
        Run query = run(List.of("dpkg-query", "-W", "-f=${Status}", "yucon"), Map.of());
        return query.status() == 0 && query.output().contains("ok installed");
    }

    /** dpkg, waiting while another party (apt in a concurrent suite or by hand) holds dpkg's lock. */
    private static Run dpkg(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("dpkg"));
        command.addAll(List.of(args));
        Instant deadline = Instant.now().plus(DPKG_LOCK_WAIT);
        while (true) {
            Run run = run(command, Map.of());
            if (run.status() == 0 || !run.output().contains("lock") || Instant.now().isAfter(deadline)) {
                return run;
            }
            TimeUnit.SECONDS.sleep(2);
        }
    }

    private record Run(int status, String output) {
    }

    private static Run run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within 5 minutes:\n" + output);
        }
        return new Run(process.exitValue(), output);
    }
}
