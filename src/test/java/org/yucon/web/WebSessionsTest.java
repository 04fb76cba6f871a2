package org.yucon.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebSessionsTest {
    private static final Instant T0 = Instant.parse("2026-12-07T04:00:00Z");
    private final WebSessions sessions = new WebSessions(Duration.ofMinutes(30), 2, 3);

    @Test
    void aSessionIdleForTheTimeoutIsOverAndUseKeepsItAlive() {
        WebSession used = sessions.open("uml1", "a", T0);
        WebSession idle = sessions.open("uml2", "b", T0);
        used.used(T0.plus(Duration.ofMinutes(20)));
        assertTrue(sessions.find(used.id(), T0.plus(Duration.ofMinutes(49))).isPresent());
        assertTrue(sessions.find(idle.id(), T0.plus(Duration.ofMinutes(30))).isEmpty(), "30 minutes unused");
        assertTrue(sessions.find(used.id(), T0.plus(Duration.ofMinutes(50))).isEmpty());
        assertEquals(0, sessions.count());
    }

    @Test
    void everyLoginGetsNewRandomIdsAndTokens() {
        WebSession a = sessions.open("uml1", "a", T0);
        WebSession b = sessions.open("uml1", "a", T0);
        assertNotEquals(a.id(), b.id());
        assertNotEquals(a.csrf(), b.csrf());
        assertTrue(a.id().matches("[A-Za-z0-9_-]{43}"), a.id());
    }

    @Test
    void pastTheCapsTheLeastRecentlyUsedSessionGivesWay() {
        WebSession oldest = sessions.open("uml1", "a", T0);
        WebSession second = sessions.open("uml1", "a", T0.plusSeconds(1));
        WebSession third = sessions.open("uml1", "a", T0.plusSeconds(2));
        assertTrue(sessions.find(oldest.id(), T0.plusSeconds(3)).isEmpty(), "two per account");
        assertTrue(sessions.find(second.id(), T0.plusSeconds(3)).isPresent());
        sessions.open("uml2", "b", T0.plusSeconds(4));
        sessions.open("uml3", "c", T0.plusSeconds(5));
        assertEquals(3, sessions.count(), "three in all");
        assertTrue(sessions.find(second.id(), T0.plusSeconds(6)).isEmpty());
        assertTrue(sessions.find(third.id(), T0.plusSeconds(6)).isPresent());
    }
}
