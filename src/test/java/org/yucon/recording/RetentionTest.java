package org.yucon.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yucon.recording.Retention.Kept;

class RetentionTest {
    private static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");
    private static final Duration WEEK = Duration.ofDays(7);

    private static Kept kept(long id, int daysAgo, long bytes) {
        return new Kept(id, NOW.minus(Duration.ofDays(daysAgo)), bytes, false);
    }

    private static List<Long> ids(List<Kept> kept) {
        return kept.stream().map(Kept::id).toList();
    }

    @Test
    void recordingsOlderThanTheAgeKeptGo() {
        List<Kept> all = List.of(kept(1, 10, 100), kept(2, 8, 100), kept(3, 6, 100), kept(4, 0, 100));
        assertEquals(List.of(1L, 2L), ids(Retention.expired(all, NOW, WEEK, 1 << 20)));
    }

    @Test
    void theOldestGoWhileAllTogetherAreOverTheSizeKept() {
        List<Kept> all = List.of(kept(3, 1, 400), kept(1, 3, 400), kept(2, 2, 400));
        assertEquals(List.of(1L), ids(Retention.expired(all, NOW, WEEK, 800)));
        assertEquals(List.of(1L, 2L), ids(Retention.expired(all, NOW, WEEK, 799)));
        assertEquals(List.of(), ids(Retention.expired(all, NOW, WEEK, 1200)));
    }

    @Test
    void aLiveRecordingIsNeverDeletedButCountsInTheTotal() {
        Kept live = new Kept(1, NOW.minus(Duration.ofDays(30)), 1000, true);
        List<Kept> all = List.of(live, kept(2, 1, 100), kept(3, 0, 100));
        assertEquals(List.of(2L, 3L), ids(Retention.expired(all, NOW, WEEK, 1000)));
    }

    @Test
    void sameAgeGoesInTheOrderOfTheIds() {
        List<Kept> all = List.of(kept(9, 1, 100), kept(5, 1, 100));
        assertEquals(List.of(5L), ids(Retention.expired(all, NOW, WEEK, 100)));
    }
}
