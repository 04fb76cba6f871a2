package org.yucon.tui;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.yucon.control.ProcessWatch;
import org.yucon.guest.CpuSampler;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.mconsole.GuestStats;

/**
 * ps and top of one guest: its processes as the host sees them (the UML, a {@code [uml-userspace]} per guest address
 * space and its {@code [uml-helper]} threads, whatever the kernel names them) with the guest's own summary from
 * mconsole. top redraws every second, busiest first, and its title has the time as top(1)'s has: a live screen
 * visibly moves on even when nothing in the guest does. Drawn by the session's steps only.
 */
final class ProcessView {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final ProcessWatch watch;
    private final boolean live;

    ProcessView(ProcessWatch watch, boolean live) {
        this.watch = watch;
        this.live = live;
    }

    GuestSupervisor guest() {
        return watch.guest();
    }

    /** top keeps itself fresh every second; ps is a snapshot. */
    boolean live() {
        return live;
    }

    void draw(Frame frame) {
        GuestSupervisor guest = watch.guest();
        ProcessWatch.Snapshot now = watch.look();
        String state = now.state().label().toLowerCase();
        // The summary takes the blank row below too when the screen is narrow (80 columns), rather than losing the kernel.
        String what = live ? "top of " + guest.name() + " at " + LocalTime.now().format(CLOCK) : "ps of " + guest.name();
        List<String> title = GuestMenu.wrap(what + ": " + summary(now.stats(), state), frame.columns(), 2);
        for (int i = 0; i < title.size(); i++) {
            frame.put(i, title.get(i), Frame.Style.BOLD);
        }
        frame.put(2, String.format("%7s %s %6s %9s  %s", "PID", "S", "%CPU", "RSS", "COMMAND"), Frame.Style.BOLD);
        List<CpuSampler.Row> rows = now.rows();
        if (rows.isEmpty()) {
            frame.put(3, "  " + guest.name() + " has no process on this host (" + state + ")");
        }
        for (int i = 0; i < rows.size() && 3 + i < frame.rows() - 2; i++) {
            CpuSampler.Row r = rows.get(i);
            frame.put(3 + i, String.format("%7d %c %6.1f %8dK  %s", r.process().pid(), r.process().state(), r.cpuPercent(),
                    r.process().rssKib(), r.process().command()));
        }
        frame.put(frame.rows() - 1, live ? "q - back (refreshes every second, busiest first)" : "q - back, p - again");
    }

    private static String summary(Optional<GuestStats> stats, String state) {
        if (stats.isEmpty()) {
            return "the guest's own figures are not available (" + state + ")";
        }
        GuestStats s = stats.get();
        return String.format("load %.2f %.2f %.2f, %d/%d processes running, memory %d/%d MB, kernel %s",
                s.load().one(), s.load().five(), s.load().fifteen(), s.load().running(), s.load().total(),
                s.memory().usedKib() / 1024, s.memory().totalKib() / 1024, s.kernelRelease());
    }
}
