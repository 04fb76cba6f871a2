package org.yucon.control;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the fronts say about the host itself: its name, load and memory, kernel and boot time, read from /proc. The
 * kernel and the boot time do not change while the gateway runs, so two reads differ only when load or memory do.
 *
 * @param booted when the host booted, or the epoch when /proc does not say
 */
public record HostFacts(String hostName, String load, String memory, String kernel, Instant booted) {

    /**
     * Read once: InetAddress.getLocalHost() resolves the name (NSS, maybe DNS) whenever its 5-second cache has
     * expired, which would be at almost every redraw of every menu, and could stall them all on a slow resolver.
     */
    private static final String HOST_NAME = readHostName();
    private static final String KERNEL = readKernel();
    private static final Instant BOOTED = readBootTime();

    public static HostFacts read() {
        return new HostFacts(HOST_NAME, readLoad(), readMemory(), KERNEL, BOOTED);
    }

    /** How long the host has been up at {@code now}. */
    public Duration uptime(Instant now) {
        return Duration.between(booted, now);
    }

    private static String readKernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    /** The kernel's btime in /proc/stat: fixed, unlike now minus /proc/uptime, which moves by a tick from read to read. */
    private static Instant readBootTime() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("btime ")) {
                    return Instant.ofEpochSecond(Long.parseLong(line.substring(6).trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Instant.EPOCH;
        }
        return Instant.EPOCH;
    }

    /** The kernel's host name as gethostname(2) gives it, without resolving it; the JDK's way where there is no /proc. */
    private static String readHostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e2) {
                return "localhost";
            }
        }
    }

    private static String readLoad() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "?";
        }
    }

    private static String readMemory() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
            long total = kib(lines, "MemTotal:");
            long available = kib(lines, "MemAvailable:");
            return (total - available) / 1024 + "/" + total / 1024 + " MB";
        } catch (IOException | NumberFormatException e) {
            return "?";
        }
    }

    private static long kib(List<String> lines, String key) {
        for (String line : lines) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        throw new NumberFormatException(key + " missing");
    }
}
