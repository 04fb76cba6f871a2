package org.yucon.guest.mconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Samples are replies of a 7.2.7 UML guest, with the leading "\n" packet of {@code proc} replies. */
class GuestProcTest {

    private static final String MEMINFO = "\nMemTotal:          51776 kB\nMemFree:           37136 kB\n"
            + "MemAvailable:      37012 kB\nBuffers:             136 kB\nVmallocTotal:   136900435960 kB\n"
            + "HugePages_Total:       0\n";

    @Test
    void release() {
        assertEquals("6.1.176", GuestProc.parseRelease("\nLinux version 6.1.176 (buildd@x86-grnet-03) (gcc (Debian 12.2.0-14+deb12u1)"
                + " 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 Sat Jul  4 15:38:16 UTC 2026\n"));
    }

    /** What is not /proc/version is not guessed at: the answer of the version command has the hostname in front. */
    @Test
    void releaseComesFromProcVersionOnly() {
        assertThrows(IllegalArgumentException.class, () -> GuestProc.parseRelease("\n\n"));
        assertThrows(IllegalArgumentException.class, () -> GuestProc.parseRelease("Linux a b 7.2.7 #1 x86_64"));
    }

    @Test
    void partitionsListTheirDevicesByName() {
        String partitions = "\nmajor minor  #blocks  name\n\n  98        0     524288 ubda\n  98       16       8192 ubdb\n";
        assertTrue(GuestProc.listsDevice(partitions, "ubda"));
        assertTrue(GuestProc.listsDevice(partitions, "ubdb"));
        assertFalse(GuestProc.listsDevice(partitions, "ubd"));
        assertFalse(GuestProc.listsDevice("\nmajor minor  #blocks  name\n\n", "ubda"));
    }

    @Test
    void uptime() {
        assertEquals(Duration.ofMillis(15_410), GuestProc.parseUptime("\n15.41 14.43\n"));
    }

    @Test
    void uptimeMustBeANumber() {
        assertThrows(IllegalArgumentException.class, () -> GuestProc.parseUptime("\n"));
        assertThrows(IllegalArgumentException.class, () -> GuestProc.parseUptime("Failed to open file"));
    }

    @Test
    void loadavg() {
        assertEquals(new GuestStats.Load(0.08, 0.03, 0.01, 1, 39), GuestProc.parseLoadavg("\n0.08 0.03 0.01 1/39 747\n"));
    }

    @Test
    void loadavgNeedsProcessCounts() {
        assertThrows(IllegalArgumentException.class, () -> GuestProc.parseLoadavg("0.08 0.03 0.01"));
        assertThrows(IllegalArgumentException.class, () -> GuestProc.parseLoadavg("0.08 0.03 0.01 39 747"));
        assertThrows(IllegalArgumentException.class, () -> GuestProc.parseLoadavg("a b c 1/39 747"));
    }

    @Test
    void meminfoPrefersMemAvailable() {
        GuestStats.Memory memory = GuestProc.parseMeminfo(MEMINFO);

        assertEquals(new GuestStats.Memory(51776, 37012), memory);
        assertEquals(51776 - 37012, memory.usedKib());
    }

    @Test
    void meminfoOfOldKernelsFallsBackToMemFree() {
        assertEquals(new GuestStats.Memory(2048, 1024), GuestProc.parseMeminfo("MemTotal: 2048 kB\nMemFree: 1024 kB\n"));
    }

    @Test
    void meminfoNeedsTotalAndFree() {
        assertThrows(IllegalArgumentException.class, () -> GuestProc.parseMeminfo("MemFree: 1024 kB\n"));
        assertThrows(IllegalArgumentException.class, () -> GuestProc.parseMeminfo("MemTotal: 2048 kB\n"));
    }
}
