package org.yucon.guest;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.GuestConfig;

/**
 * Boots the guests marked {@code autostart} when the gateway starts: lowest {@code autostart_order} first (then by
 * name), each guest's {@code autostart_delay} after it before the next, so a host is not hit by all its boots at
 * once. A guest that runs already (taken up from the keeper or left over) is skipped. Runs on the scheduler; the
 * queue is touched by one scheduled task at a time.
 */
public final class Autostart {
    private static final Logger log = LoggerFactory.getLogger(Autostart.class);

    private final Deque<GuestSupervisor> queue;
    private final ScheduledExecutorService scheduler;

    private Autostart(List<GuestSupervisor> guests, ScheduledExecutorService scheduler) {
        this.queue = new ArrayDeque<>(guests);
        this.scheduler = scheduler;
    }

    public static void begin(List<GuestSupervisor> all, ScheduledExecutorService scheduler) {
        List<GuestSupervisor> marked = all.stream()
                .filter(g -> g.config().autostart().enabled())
                .sorted(Comparator.comparingInt((GuestSupervisor g) -> g.config().autostart().order())
                        .thenComparing(GuestSupervisor::name))
                .toList();
        if (!marked.isEmpty()) {
            scheduler.execute(new Autostart(marked, scheduler)::next);
        }
    }

    private void next() {
        GuestSupervisor guest = queue.poll();
        if (guest == null) {
            return;
        }
        GuestConfig.Autostart autostart = guest.config().autostart();
        if (guest.status().state().alive()) {
            log.info("autostart: {} runs already", guest.name());
            next();
            return;
        }
        Outcome outcome = guest.boot();
        log.info("autostart: {}", outcome.message());
        scheduler.schedule(this::next, autostart.delay().toMillis(), TimeUnit.MILLISECONDS);
    }
}
