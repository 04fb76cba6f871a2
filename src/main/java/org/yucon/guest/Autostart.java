package org.yucon.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.GuestConfig;
import org.yucon.keeper.KeeperClient;
import org.yucon.util.PrivateFiles;

/**
 * Boots the guests marked {@code autostart} when the gateway starts: lowest {@code autostart_order} first (then by
 * name), each guest's {@code autostart_delay} after it before the next, so a host is not hit by all its boots at
 * once. A guest that runs already (taken up from the keeper or left over) is skipped. Runs on the scheduler; the
 * queue is touched by one scheduled task at a time.
 *
 * <p>Once per console keeper, as a host's boot does it: the keeper holds the guests while gateways come and go (an
 * upgrade, a crash), and a gateway started again must not boot a guest that an admin shut down meanwhile. The keeper
 * it was done for is named in {@code STATE/autostarted} by its pid and start time.
 */
public final class Autostart {
    private static final Logger log = LoggerFactory.getLogger(Autostart.class);
    private static final String MARKER = "autostarted";

    private final Deque<GuestSupervisor> queue;
    private final ScheduledExecutorService scheduler;

    private Autostart(List<GuestSupervisor> guests, ScheduledExecutorService scheduler) {
        this.queue = new ArrayDeque<>(guests);
        this.scheduler = scheduler;
    }

    public static void begin(List<GuestSupervisor> all, ScheduledExecutorService scheduler, Path stateDir) {
        List<GuestSupervisor> marked = all.stream()
                .filter(g -> g.config().autostart().enabled())
                .sorted(Comparator.comparingInt((GuestSupervisor g) -> g.config().autostart().order())
                        .thenComparing(GuestSupervisor::name))
                .toList();
        if (marked.isEmpty()) {
            return;
        }
        if (doneForThisKeeper(stateDir)) {
            log.info("autostart: done already for this console keeper; marked guests shut down since stay off");
            return;
        }
        scheduler.execute(new Autostart(marked, scheduler)::next);
    }

    /** True if the keeper now running had its autostart; if not, notes that it has it now. */
    private static boolean doneForThisKeeper(Path stateDir) {
        Path marker = stateDir.resolve(MARKER);
        try {
            long pid = KeeperClient.pid(stateDir);
            String keeper = pid + " " + ProcessHandle.of(pid).flatMap(p -> p.info().startInstant()).map(Instant::toString)
                    .orElse("?");
            if (Files.exists(marker) && Files.readString(marker).equals(keeper)) {
                return true;
            }
            PrivateFiles.replace(marker, keeper.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | NumberFormatException e) {
            log.warn("autostart: cannot tell whether this console keeper had its autostart ({}); booting the guests marked",
                    e.getMessage());
        }
        return false;
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
