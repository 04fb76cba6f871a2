package org.yucon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The host's facts as this host's /proc gives them. */
class HostFactsTest {
    @Test
    void kernelAndBootTimeAreTheHostsAndDoNotMoveBetweenReads() {
        HostFacts first = HostFacts.read();
        assertEquals(System.getProperty("os.version"), first.kernel(), "the release uname -r says");
        Instant now = Instant.now();
        assertTrue(first.booted().isAfter(Instant.parse("2000-01-01T00:00:00Z")) && first.booted().isBefore(now), first.toString());
        assertTrue(!first.uptime(now).isNegative() && !first.uptime(now).isZero());
        HostFacts second = HostFacts.read();
        assertEquals(first.booted(), second.booted());
        assertEquals(first.kernel(), second.kernel());
    }
}
