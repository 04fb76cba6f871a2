package org.yucon.guest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU% of processes from the difference of their CPU time between two samples, as top computes it. Owned by one
 * screen of one session.
 */
public final class CpuSampler {
    /** Linux reports times in /proc in USER_HZ ticks, 100 a second whatever the kernel's HZ. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** A process with its CPU use since the previous sample (0 on the first). */
    public record Row(HostProcess process, double cpuPercent) {
    }

    private Map<Long, Long> lastTicks = new HashMap<>();
    private long lastNanos;

    /** Rows sorted by CPU use, busiest first. */
    public List<Row> sample(List<HostProcess> processes, long nowNanos) {
        double seconds = lastNanos == 0 ? 0 : (nowNanos - lastNanos) / 1e9;
        Map<Long, Long> ticks = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        for (HostProcess p : processes) {
            ticks.put(p.pid(), p.cpuTicks());
            Long before = lastTicks.get(p.pid());
            double percent = before == null || seconds <= 0 ? 0 : (p.cpuTicks() - before) / TICKS_PER_SECOND / seconds * 100;
            rows.add(new Row(p, Math.max(0, percent)));
        }
        lastTicks = ticks;
        lastNanos = nowNanos;
        rows.sort(Comparator.comparingDouble(Row::cpuPercent).reversed());
        return rows;
    }
}
