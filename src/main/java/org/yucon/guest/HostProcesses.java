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

/**
 * Reads processes from /proc: a UML and its descendants, each named by what it is (what ps and top show of a guest
 * on the host), and the processes of a process group (what the keeper ends with a UML's run).
 */
public final class HostProcesses {
    /** A guest address space: one host process per process (memory map) of the guest. */
    static final String USERSPACE = "[uml-userspace]";
    /** A helper thread of the UML (its disk I/O thread, for one): a clone that shares its memory and files. */
    static final String HELPER = "[uml-helper]";
    private static final Path PROC = Path.of("/proc");
    private static final long PAGE_KIB = 4;
    private static final String TRACER = "TracerPid:";

    /** The fields of /proc/PID/stat that are used here; {@code comm} is the kernel's name for the process. */
    record Stat(long pid, long ppid, long group, char state, long cpuTicks, long rssKib, String comm) {
        /** A zombie has exited too: it holds no file, lock or terminal any more, only its exit status. */
        boolean exited() {
            return state == 'Z' || state == 'X';
        }
    }

    private HostProcesses() {
    }

    /** The UML {@code pid} and every process below it, parents before children; empty when it is gone. */
    public static List<HostProcess> uml(long pid) {
        Map<Long, List<Stat>> byParent = new HashMap<>();
        Stat uml = null;
        for (Stat p : all()) {
            byParent.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
            if (p.pid() == pid) {
                uml = p;
            }
        }
        List<HostProcess> tree = new ArrayList<>();
        if (uml != null) {
            collect(uml, uml, byParent, tree);
        }
        return tree;
    }

    /** The pids of process group {@code group} that have not exited. */
    public static List<Long> liveInGroup(long group) {
        return all().stream().filter(p -> p.group() == group && !p.exited()).map(Stat::pid).toList();
    }

    private static void collect(Stat p, Stat uml, Map<Long, List<Stat>> byParent, List<HostProcess> into) {
        String command = command(p, uml, tracer(p.pid()), cmdline(p.pid()));
        into.add(new HostProcess(p.pid(), p.ppid(), p.state(), p.cpuTicks(), p.rssKib(), command));
        for (Stat child : byParent.getOrDefault(p.pid(), List.of())) {
            collect(child, uml, byParent, into);
        }
    }

    private static List<Stat> all() {
        List<Stat> all = new ArrayList<>();
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
    private static Optional<Stat> read(Path dir) {
        try {
            return Optional.of(parse(Long.parseLong(dir.getFileName().toString()), Files.readString(dir.resolve("stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The pid that traces this process, 0 for none or when it ended while we looked. */
    private static long tracer(long pid) {
        try {
            return Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("status")).stream()
                    .filter(line -> line.startsWith(TRACER))
                    .mapToLong(line -> Long.parseLong(line.substring(TRACER.length()).trim()))
                    .findFirst().orElse(0);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Empty for a process that ended while we looked, as for one without a command line (a kernel thread). */
    private static byte[] cmdline(long pid) {
        try {
            return Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /**
     * Parses /proc/PID/stat: the command name is in parentheses and may hold spaces and parentheses itself, so the
     * fields are counted from the last ')'.
     */
    static Stat parse(long pid, String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String[] f = stat.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state): ppid is field 4, pgrp 5, utime 14, stime 15, rss 24.
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return new Stat(pid, Long.parseLong(f[1]), Long.parseLong(f[2]), f[0].charAt(0), ticks,
                Long.parseLong(f[21]) * PAGE_KIB, stat.substring(open + 1, close));
    }

    /**
     * What one of the processes of {@code uml} is, whatever the kernel names it. The UML itself: its command line. A
     * guest address space: under kernel 6.1 a clone of the UML, with its name and command line, that the UML traces;
     * under newer kernels (Debian unstable's) a stub the UML execs, which names itself uml-userspace. Any other clone
     * with the UML's name is one of its helper threads. Anything else is a program the UML ran (a network helper):
     * its own command line.
     */
    static String command(Stat p, Stat uml, long tracer, byte[] cmdline) {
        if (p.pid() == uml.pid()) {
            return command(p, cmdline);
        }
        if (tracer == uml.pid() || p.comm().equals("uml-userspace")) {
            return USERSPACE;
        }
        return p.comm().equals(uml.comm()) ? HELPER : command(p, cmdline);
    }

    /** The command line, or the kernel's name in brackets as ps shows it when there is none. */
    static String command(Stat p, byte[] cmdline) {
        String command = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        return command.isEmpty() ? "[" + p.comm() + "]" : command;
    }
}
