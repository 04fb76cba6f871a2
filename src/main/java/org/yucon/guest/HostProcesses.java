package org.yucon.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a process and its descendants from /proc: what ps and top show of a guest on the host. */
public final class HostProcesses {
    private static final Path PROC = Path.of("/proc");
    private static final long PAGE_KIB = 4;

    private HostProcesses() {
    }

    /** {@code root} and every process below it, parents before children; empty when root is gone. */
    public static List<HostProcess> tree(long root) {
        Map<Long, List<HostProcess>> byParent = new HashMap<>();
        HostProcess top = null;
        for (HostProcess p : all()) {
            byParent.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
            if (p.pid() == root) {
                top = p;
            }
        }
        List<HostProcess> tree = new ArrayList<>();
        if (top != null) {
            collect(top, byParent, tree);
        }
        return tree;
    }

    private static void collect(HostProcess p, Map<Long, List<HostProcess>> byParent, List<HostProcess> into) {
        into.add(p);
        for (HostProcess child : byParent.getOrDefault(p.pid(), List.of())) {
            collect(child, byParent, into);
        }
    }

    private static List<HostProcess> all() {
        List<HostProcess> all = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path dir : dirs) {
                read(dir).ifPresent(all::add);
            }
        } catch (IOException e) {
            return all;
        }
        return all;
    }

    /** Empty for a process that ended while we looked. */
    static Optional<HostProcess> read(Path dir) {
        try {
            return Optional.of(parse(Long.parseLong(dir.getFileName().toString()),
                    Files.readString(dir.resolve("stat")), Files.readAllBytes(dir.resolve("cmdline"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses /proc/PID/stat: the command name is in parentheses and may hold spaces and parentheses itself, so the
     * fields are counted from the last ')'.
     */
    static HostProcess parse(long pid, String stat, byte[] cmdline) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String comm = stat.substring(open + 1, close);
        String[] f = stat.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, rss 24.
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        String command = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        return new HostProcess(pid, Long.parseLong(f[1]), f[0].charAt(0), ticks, Long.parseLong(f[21]) * PAGE_KIB,
                command.isEmpty() ? "[" + comm + "]" : command);
    }
}
