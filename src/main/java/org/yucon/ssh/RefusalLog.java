package org.yucon.ssh;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the gateway's log and the audit log about refused connections without letting a flood of them flood the
 * logs (as sshd says "beginning MaxStartups throttling" once, not once per connection). The first refusal after a
 * quiet period is told at once, with its address and reason; the refusals of the periods after it are counted, and
 * one line per period sums them up: how many, which setting refused them, and the addresses that sent the most. A
 * flood of any rate costs one line in each log per period.
 *
 * <p>Refusals come on MINA's I/O threads, the summaries on the scheduler's thread.
 */
final class RefusalLog {
    private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);
    /** Addresses counted by name in one period; refusals from more are in the total only. */
    private static final int NAMED_SOURCES = 100;
    /** Addresses a summary names. */
    private static final int TOP_SOURCES = 3;

    private final AuditLog audit;
    private final ScheduledExecutorService scheduler;
    private final Duration period;
    // Guarded by this.
    /** A summary is due at the end of the period: refusals until then are counted for it. */
    private boolean counting;
    private int count;
    private final Map<String, Integer> bySetting = new TreeMap<>();
    private final Map<InetAddress, Integer> bySource = new HashMap<>();

    RefusalLog(AuditLog audit, ScheduledExecutorService scheduler, Duration period) {
        this.audit = audit;
        this.scheduler = scheduler;
        this.period = period;
    }

    /** A connection from {@code remote} was refused by {@code setting}, for {@code reason}. */
    void refused(InetSocketAddress remote, String setting, String reason) {
        synchronized (this) {
            if (counting) {
                count++;
                bySetting.merge(setting, 1, Integer::sum);
                if (bySource.size() < NAMED_SOURCES || bySource.containsKey(remote.getAddress())) {
                    bySource.merge(remote.getAddress(), 1, Integer::sum);
                }
                return;
            }
            counting = true;
            summarizeLater();
        }
        log.warn("refused a connection from {}: {}; more refusals are summed up every {} s", remote, reason,
                period.toSeconds());
        audit.record("", String.valueOf(remote), "connect", "", "refused: " + reason);
    }

    private void summarizeLater() {
        scheduler.schedule(this::summarize, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The end of a period: one line for its refusals, if it had any; if not, the next one is told at once. The audit
     * line names the address that sent the most (its fields are short); the gateway's log has the rest.
     */
    private void summarize() {
        int refused;
        String settings;
        List<Map.Entry<InetAddress, Integer>> top;
        synchronized (this) {
            if (count == 0) {
                counting = false;
                return;
            }
            refused = count;
            settings = bySetting.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
            top = bySource.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.reverseOrder()))
                    .limit(TOP_SOURCES).map(e -> Map.entry(e.getKey(), e.getValue())).toList();
            count = 0;
            bySetting.clear();
            bySource.clear();
            summarizeLater();
        }
        String counts = refused + " more connections in " + period.toSeconds() + " s";
        log.warn("refused {} ({}), most from {}", counts, settings,
                top.stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        audit.record("", String.valueOf(top.get(0).getKey()), "connect", "",
                "refused " + counts + ", " + top.get(0).getValue() + " from here");
    }
}
