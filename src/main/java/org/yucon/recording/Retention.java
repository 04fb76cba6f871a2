package org.yucon.recording;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Which recordings go: those older than the age kept, then the oldest while all together are over the size kept. */
final class Retention {
    /** One recording on disk: when it was last written, its size, and whether a viewer is still being recorded. */
    record Kept(long id, Instant written, long bytes, boolean live) {
    }

    private Retention() {
    }

    /** The recordings to delete, oldest first; a live one never is (its viewer is still on the console). */
    static List<Kept> expired(List<Kept> all, Instant now, Duration keep, long maxTotal) {
        List<Kept> oldestFirst = new ArrayList<>(all);
        oldestFirst.sort(Comparator.comparing(Kept::written).thenComparingLong(Kept::id));
        long total = all.stream().mapToLong(Kept::bytes).sum();
        Instant cutoff = now.minus(keep);
        List<Kept> expired = new ArrayList<>();
        for (Kept k : oldestFirst) {
            if (!k.live() && (k.written().isBefore(cutoff) || total > maxTotal)) {
                expired.add(k);
                total -= k.bytes();
            }
        }
        return expired;
    }
}
