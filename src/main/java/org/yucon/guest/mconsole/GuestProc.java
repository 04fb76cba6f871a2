package org.yucon.guest.mconsole;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Parsers for the replies of {@code proc <file>}, and a reader of all of them.
 * Each parser throws {@link IllegalArgumentException} for text it does not recognise.
 */
public final class GuestProc {

    private GuestProc() {
    }

    /**
     * Asks the guest for its kernel release, uptime, load and memory: four commands. The release is read from
     * {@code /proc/version}, not from the {@code version} command: that answers as uname does, with the hostname
     * (the guest's choice: any bytes, spaces too) before the release, so that a release taken by position could be
     * any text the guest likes. ({@code /proc/sys/kernel/osrelease} would hold the release alone, but early in a
     * boot it is not there yet when mconsole already answers.)
     */
    public static GuestStats read(MconsoleClient client) throws MconsoleException {
        return new GuestStats(
                parseRelease(ask(client, "proc version")),
                parseUptime(ask(client, "proc uptime")),
                parseLoadavg(ask(client, "proc loadavg")),
                parseMeminfo(ask(client, "proc meminfo")));
    }

    /**
     * The release from {@code /proc/version}, "Linux version RELEASE (BUILDER) (COMPILER) #BUILD ...": the kernel's own
     * text, read-only even to the guest's root, and nothing in it before the release is the guest's.
     */
    public static String parseRelease(String procVersion) {
        String[] fields = fields(procVersion);
        if (fields.length < 3 || !fields[0].equals("Linux") || !fields[1].equals("version")) {
            throw unrecognised("/proc/version", procVersion);
        }
        return fields[2];
    }

    /** The first number of {@code /proc/uptime}: seconds since boot, with two decimals. */
    public static Duration parseUptime(String uptime) {
        String[] fields = fields(uptime);
        try {
            long millis = new BigDecimal(fields[0]).movePointRight(3).longValue();
            return Duration.ofMillis(millis);
        } catch (NumberFormatException e) {
            throw unrecognised("/proc/uptime", uptime);
        }
    }

    /** {@code /proc/loadavg}: "0.08 0.03 0.01 1/39 747", the last field being the latest pid. */
    public static GuestStats.Load parseLoadavg(String loadavg) {
        String[] fields = fields(loadavg);
        String[] processes = fields.length >= 4 ? fields[3].split("/") : new String[0];
        if (processes.length != 2) {
            throw unrecognised("/proc/loadavg", loadavg);
        }
        try {
            return new GuestStats.Load(
                    Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), Double.parseDouble(fields[2]),
                    Integer.parseInt(processes[0]), Integer.parseInt(processes[1]));
        } catch (NumberFormatException e) {
            throw unrecognised("/proc/loadavg", loadavg);
        }
    }

    /** {@code /proc/meminfo}: MemTotal, and MemAvailable or, from kernels before 3.14, MemFree. */
    public static GuestStats.Memory parseMeminfo(String meminfo) {
        Map<String, Long> kib = meminfoValues(meminfo);
        Long total = kib.get("MemTotal");
        Long available = kib.getOrDefault("MemAvailable", kib.get("MemFree"));
        if (total == null || available == null) {
            throw unrecognised("/proc/meminfo", meminfo);
        }
        return new GuestStats.Memory(total, available);
    }

    /** Whether {@code /proc/partitions} ("major minor #blocks name" per line) lists the block device {@code name}. */
    public static boolean listsDevice(String partitions, String name) {
        return partitions.lines().map(GuestProc::fields).anyMatch(fields -> fields[fields.length - 1].equals(name));
    }

    /** Lines like "MemTotal:   51776 kB"; lines of another shape are skipped. */
    private static Map<String, Long> meminfoValues(String meminfo) {
        Map<String, Long> values = new HashMap<>();
        for (String line : meminfo.strip().split("\n")) {
            String[] fields = fields(line);
            if (fields.length >= 2 && fields[0].endsWith(":") && fields[1].chars().allMatch(Character::isDigit)) {
                values.put(fields[0].substring(0, fields[0].length() - 1), Long.parseLong(fields[1]));
            }
        }
        return values;
    }

    private static String ask(MconsoleClient client, String command) throws MconsoleException {
        MconsoleReply reply = client.send(command);
        if (!reply.ok()) {
            throw new MconsoleException(client.socket(), command, "was refused: " + reply.text().strip(), false, null);
        }
        return reply.text();
    }

    /** Replies to {@code proc} start with a "\n" packet, hence the strip. */
    private static String[] fields(String text) {
        return text.strip().split("\\s+");
    }

    private static IllegalArgumentException unrecognised(String what, String text) {
        return new IllegalArgumentException("unrecognised " + what + ": \"" + text.strip() + "\"");
    }
}
