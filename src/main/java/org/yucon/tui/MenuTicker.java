package org.yucon.tui;

import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.fleet.FleetSight;
import org.yucon.guest.Guests;
import org.yucon.util.SerialExecutor;

/**
 * The one tick of all menus: reads the {@link MenuFacts} every {@value #TICK_SECONDS} s while a menu is shown, and
 * at once when a guest changes state, and tells the menus only when the facts changed: one read for all menus
 * rather than one per menu, and idle menus over quiet guests wake for nothing. (A redraw of every menu every
 * 5 s, with a clock to the second, was 200 frames a second for 1,000 idle menus: BENCHMARKS.md.)
 *
 * <p>The reads run one at a time on the session pool, not on the scheduler: a guest whose mconsole does not
 * answer holds a pool thread for the timeout, never the guests' timers.
 */
public final class MenuTicker {
    private static final long TICK_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(MenuTicker.class);

    private final Guests guests;
    /** This host's name as the menus' header shows it: its name in the fleet, the machine's unless configured. */
    private final String hostName;
    private final Supplier<FleetSight> fleet;
    private final SerialExecutor reads;
    private final AtomicBoolean readQueued = new AtomicBoolean();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** The facts as last read, replaced whole; kept fresh only while somebody listens. */
    private volatile MenuFacts facts;

    /** {@code fleet}: what admins see of the other hosts, read with the rest; {@link #changed()} when it changed. */
    public MenuTicker(Guests guests, ScheduledExecutorService scheduler, Executor pool, String hostName,
                      Supplier<FleetSight> fleet) {
        this.guests = guests;
        this.hostName = hostName;
        this.fleet = fleet;
        this.reads = new SerialExecutor(pool);
        guests.subscribe(this::requestRead);
        scheduler.scheduleWithFixedDelay(this::requestRead, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Calls {@code listener} whenever the facts changed, until closed: on the ticker's thread, for every menu in
     * turn, so it must be quick and must not block. The facts are fresh from the start: the first listener reads
     * them on its own thread.
     */
    public Guests.Subscription subscribe(Runnable listener) {
        if (listeners.isEmpty()) {
            facts = MenuFacts.read(hostName, guests.all(), guests.alerts().current(), fleet.get());
        }
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    MenuFacts facts() {
        return facts;
    }

    /** Something the menus show changed elsewhere (a peer went down): read again now. Quick, on any thread. */
    public void changed() {
        requestRead();
    }

    private void requestRead() {
        if (!listeners.isEmpty() && readQueued.compareAndSet(false, true)) {
            reads.execute(this::read);
        }
    }

    private void read() {
        readQueued.set(false);
        try {
            MenuFacts now = MenuFacts.read(hostName, guests.all(), guests.alerts().current(), fleet.get());
            if (!now.equals(facts)) {
                facts = now;
                listeners.forEach(Runnable::run);
            }
        } catch (RuntimeException e) {
            log.warn("the menus' figures could not be read", e);
        }
    }
}
