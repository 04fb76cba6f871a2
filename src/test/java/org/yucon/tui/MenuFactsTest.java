package org.yucon.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MenuFactsTest {
    @Test
    void uptimeIsToTheMinuteAsUptimeSaysIt() {
        assertEquals("0 min", MenuFacts.uptime(Duration.ofSeconds(59)));
        assertEquals("7 min", MenuFacts.uptime(Duration.ofMinutes(7).plusSeconds(30)));
        assertEquals("1:00", MenuFacts.uptime(Duration.ofHours(1)));
        assertEquals("3:05", MenuFacts.uptime(Duration.ofHours(3).plusMinutes(5).plusSeconds(59)));
        assertEquals("1 day, 0:00", MenuFacts.uptime(Duration.ofDays(1)));
        assertEquals("12 days, 23:59", MenuFacts.uptime(Duration.ofDays(12).plusHours(23).plusMinutes(59)));
    }
}
