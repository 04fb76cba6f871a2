package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.guest.Alerts;
import org.yucon.testing.Await;

class RefusalLogTest {
    private static final Duration PERIOD = Duration.ofSeconds(1);

    @TempDir
    Path dir;
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aFloodCostsOneLineAtOnceThenOnePerPeriod() throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditLog audit = new AuditLog(file, new Alerts(() -> { }))) {
            RefusalLog refusals = new RefusalLog(audit, scheduler, PERIOD);
            for (int i = 0; i < 2000; i++) {
                refusals.refused(new InetSocketAddress("127.0.0.1", 10_000 + i), "per_source_max_startups", "5 from here");
            }
            refusals.refused(new InetSocketAddress("127.0.0.3", 4000), "max_startups", "100 in all");
            List<String> lines = awaitLines(file, 2);
            assertTrue(lines.get(0).endsWith("user=- from=/127.0.0.1:10000 action=connect guest=- result=refused:_5_from_here channel=ssh"),
                    lines.get(0));
            assertTrue(lines.get(1).endsWith("user=- from=/127.0.0.1 action=connect guest=- result=refused_2000_more_connections"
                    + "_in_1_s,_1999_from_here channel=ssh"),
                    lines.get(1));

            // The flood's summary, then the quiet period's end: two summaries have run and none is due.
            Await.until("the quiet period to end", Duration.ofSeconds(10),
                    () -> scheduler.getCompletedTaskCount() == 2 && scheduler.getQueue().isEmpty(),
                    () -> scheduler.getCompletedTaskCount() + " summaries run, " + scheduler.getQueue().size() + " due");
            assertEquals(2, Files.readAllLines(file).size(), "a quiet period sums up nothing");
            refusals.refused(new InetSocketAddress("127.0.0.2", 5000), "max_startups", "100 in all");
            assertTrue(awaitLines(file, 3).get(2).endsWith("from=/127.0.0.2:5000 action=connect guest=- result=refused:_100_in_all channel=ssh"),
                    "after a quiet period the next refusal is told at once");
        }
    }

    private static List<String> awaitLines(Path file, int count) {
        Await.until(count + " audit lines", Duration.ofSeconds(10), () -> readLines(file).size() >= count,
                () -> String.join("\n", readLines(file)));
        return readLines(file);
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
