package org.yucon.guest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import jnr.posix.POSIX;
import org.yucon.config.AccessChanges;
import org.yucon.config.Configuration;
import org.yucon.config.GuestConfig;
import org.yucon.console.ConsoleEventLog;
import org.yucon.console.ConsoleHub;
import org.yucon.console.ConsoleLogs;
import org.yucon.keeper.KeeperClient;
import org.yucon.keeper.KeeperLink;
import org.yucon.keeper.KeptStatus;
import org.yucon.keeper.StopIntent;
import org.yucon.metrics.GuestMeters;
import org.yucon.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every guest of this host, by name, each with its supervisor, its console hub and its link to the console keeper,
 * and the listeners that want to hear when any of them changes state (menus). Guests the keeper runs already
 * (from an earlier gateway) are taken up again, console and all. The set follows the guest files while the
 * gateway runs ({@link #follow}): new guests appear, changed ones take their settings from their next boot (but their
 * {@code read_only} lists at once, counted in {@link AccessChanges}), removed ones go once they are off. Changes come
 * from one thread at a time (start, then the scheduler).
 */
public final class Guests implements AutoCloseable, Metrics.Gauges {
    private static final Logger log = LoggerFactory.getLogger(Guests.class);

    /** One guest's parts. */
    private record Guest(GuestSupervisor supervisor, KeeperLink link, Relay relay) {
    }

    private final Map<String, Guest> byName = new ConcurrentSkipListMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Configuration config;
    private final Path kernel;
    private final KeeperClient keeper;
    private final ScheduledExecutorService scheduler;
    /** One per host: every guest's boot takes one of its turns. */
    private final BootTurns bootTurns;
    private final WaitingBoots waitingBoots;
    private final POSIX posix;
    private final AccessChanges accessChanges;
    private final Alerts alerts = new Alerts(this::fire);
    /** Set by the first link to lose the keeper, cleared once a new keeper holds every guest's link. */
    private final AtomicBoolean replacingKeeper = new AtomicBoolean();
    private final Metrics metrics;

    public Guests(Configuration config, Path kernel, KeeperClient keeper, ScheduledExecutorService scheduler, POSIX posix,
                  AccessChanges accessChanges, Metrics metrics) throws IOException {
        this.config = config;
        this.metrics = metrics;
        this.accessChanges = accessChanges;
        this.kernel = kernel;
        this.keeper = keeper;
        this.scheduler = scheduler;
        this.waitingBoots = new WaitingBoots(config.gateway().stateDir(), scheduler);
        this.bootTurns = new BootTurns(config.gateway().bootsAtOnce(), scheduler, this::waitingChanged);
        this.posix = posix;
        keeper.reportTo(new KeeperClient.Answering() {
            @Override
            public void answered() {
                alerts.clear(Alerts.Topic.KEEPER_SILENT);
            }

            @Override
            public void unanswered(String sentence) {
                alerts.raise(Alerts.Topic.KEEPER_SILENT, sentence);
            }
        });
        Map<String, KeptStatus> kept = new HashMap<>();
        keeper.list().forEach(k -> kept.put(k.guest(), k));
        Map<String, StopIntent> stops = keeper.stops();
        for (GuestConfig guest : config.guests().values()) {
            add(guest, Optional.ofNullable(kept.get(guest.name())), stops.getOrDefault(guest.name(), StopIntent.NONE));
        }
        bootLeftWaiting(waitingBoots.left());
    }

    private void waitingChanged() {
        waitingBoots.changed(bootTurns);
    }

    /**
     * The boots an earlier gateway left waiting for their turn wait again, in their order (on the scheduler); then the
     * file holds this gateway's list, so that a guest shut down later is not booted by the next gateway.
     */
    private void bootLeftWaiting(List<String> names) {
        if (!names.isEmpty()) {
            log.info("booting what the earlier gateway left waiting for its turn: {}", names);
        }
        scheduler.execute(() -> {
            names.stream().map(byName::get).filter(Objects::nonNull).map(Guest::supervisor)
                    .filter(guest -> guest.status().state().mayBoot())
                    .forEach(GuestSupervisor::boot);
            waitingBoots.save(bootTurns);
        });
    }

    private void add(GuestConfig guest, Optional<KeptStatus> kept, StopIntent stop) throws IOException {
        Path state = config.gateway().stateDir();
        GuestMeters meters = metrics.guest(guest.name());
        ConsoleHub hub = new ConsoleHub(guest.name(), config.gateway().console(),
                new ConsoleEventLog(ConsoleLogs.dir(state), guest.name()), meters.skipped()::inc);
        GuestSupervisor supervisor = new GuestSupervisor(guest, kernel, state.resolve("uml"), hub, keeper, bootTurns, scheduler, posix,
                g -> fire(), meters);
        byName.put(guest.name(), link(supervisor));
        if (kept.isPresent() && kept.get().pid() != 0) {
            supervisor.resume(kept.get().pid(), stop);
        } else {
            supervisor.adoptLeftover();
        }
    }

    /**
     * Brings the set in line with the guest files as they are now. A guest that runs keeps its settings (and a
     * removed one stays) until it is off; returns false while something still waits for that, so that the caller
     * calls again later.
     */
    public synchronized boolean follow(Map<String, GuestConfig> files) {
        boolean changed = false;
        boolean inLine = true;
        boolean watchersChanged = false;
        for (GuestConfig file : files.values()) {
            Guest guest = byName.get(file.name());
            if (guest == null) {
                changed |= added(file);
                continue;
            }
            watchersChanged |= guest.supervisor().watch(file.watchers());
            if (!guest.supervisor().config().equals(file)) {
                boolean taken = guest.supervisor().reconfigure(file);
                if (taken) {
                    log.info("guest {} takes its new settings from {} at its next boot", file.name(), file.file());
                }
                changed |= taken;
                inLine &= taken;
            }
        }
        for (Guest gone : byName.values()) {
            if (!files.containsKey(gone.supervisor().name())) {
                boolean off = !gone.supervisor().status().state().alive();
                if (off) {
                    byName.remove(gone.supervisor().name());
                    gone.link().close();
                    log.info("guest {} removed: its file is gone", gone.supervisor().name());
                }
                changed |= off;
                inLine &= off;
            }
        }
        if (watchersChanged) {
            accessChanges.changed();
        }
        if (changed) {
            fire();
        }
        return inLine;
    }

    private boolean added(GuestConfig file) {
        try {
            add(file, Optional.empty(), StopIntent.NONE);
            log.info("guest {} added from {}", file.name(), file.file());
            return true;
        } catch (IOException e) {
            log.warn("guest {} could not be added: {}", file.name(), e.getMessage());
            return false;
        }
    }

    /** Links the guest's hub to its console in the keeper. */
    private Guest link(GuestSupervisor supervisor) throws IOException {
        GuestMeters meters = metrics.guest(supervisor.name());
        Relay relay = new Relay(supervisor.console(), supervisor, meters.consoleOut());
        KeeperLink link = keeper.attach(supervisor.name(), config.gateway().console().ringBytes(),
                supervisor.config().log(), relay);
        supervisor.console().connect(new CountedTty(link, meters.consoleIn()));
        return new Guest(supervisor, link, relay);
    }

    /**
     * A link found the keeper gone (killed, crashed): said at once, the guests it ran are followed without their
     * consoles from now on, and a new keeper is started on the scheduler (a JVM's start, seconds on a busy host),
     * once for all the links that break with it.
     */
    private void keeperLost(IOException cause) {
        if (replacingKeeper.compareAndSet(false, true)) {
            alerts.raise(Alerts.Topic.KEEPER, "the console keeper is gone (" + cause.getMessage() + "); starting a new one");
            byName.values().forEach(g -> g.supervisor().keeperLost());
            scheduler.execute(this::replaceKeeper);
        }
    }

    /** On the scheduler: a new keeper, then every guest's link to it; tried again every 10 s until a keeper answers. */
    private void replaceKeeper() {
        try {
            keeper.ensureRunning();
            relinkAll();
        } catch (IOException e) {
            alerts.raise(Alerts.Topic.KEEPER, "the console keeper is gone and a new one does not answer ("
                    + e.getMessage() + "); trying again every 10 s");
            scheduler.schedule(this::replaceKeeper, 10, TimeUnit.SECONDS);
            return;
        }
        replacingKeeper.set(false);
        alerts.raise(Alerts.Topic.KEEPER, "the console keeper was lost at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
                + " and replaced; guests that ran then run on with their consoles lost until they are shut down");
        fire();
    }

    private synchronized void relinkAll() throws IOException {
        for (Guest guest : List.copyOf(byName.values())) {
            guest.link().close();
            byName.put(guest.supervisor().name(), link(guest.supervisor()));
        }
    }

    /** What the keeper says about one guest goes to its hub (output) and supervisor (exits). */
    private final class Relay implements KeeperLink.Listener {
        private final ConsoleHub hub;
        private final GuestSupervisor supervisor;
        private final CounterDataPoint received;
        /** Written by the link's reader thread when the keeper goes away, read by scrapes. */
        private volatile boolean up = true;

        Relay(ConsoleHub hub, GuestSupervisor supervisor, CounterDataPoint received) {
            this.hub = hub;
            this.supervisor = supervisor;
            this.received = received;
        }

        @Override
        public void output(byte[] bytes, int length) {
            received.inc(length);
            hub.append(bytes, length);
        }

        @Override
        public void missed(long bytes) {
            hub.lost(bytes);
        }

        @Override
        public void exited(int status) {
            supervisor.exited(status);
        }

        @Override
        public void lost(IOException cause) {
            up = false;
            log.error("the console keeper link of {} is gone: {}", supervisor.name(), cause.getMessage());
            hub.announce("the console keeper is gone: this console is lost until " + supervisor.name()
                    + " is shut down and booted again");
            keeperLost(cause);
        }
    }

    /** Closes the links to the keeper; the guests and their consoles stay with it. */
    @Override
    public void close() {
        byName.values().forEach(g -> g.link().close());
        // Kept at once, not on the scheduler, which stops with the gateway and drops what is queued on it.
        waitingBoots.save(bootTurns);
    }

    public Optional<GuestSupervisor> get(String name) {
        return Optional.ofNullable(byName.get(name)).map(Guest::supervisor);
    }

    @Override
    public void guestsByState(Metrics.GuestStateCount count) {
        Map<GuestState, Integer> byState = new EnumMap<>(GuestState.class);
        for (GuestState state : GuestState.values()) {
            byState.put(state, 0);
        }
        byName.values().forEach(g -> byState.merge(g.supervisor().status().state(), 1, Integer::sum));
        byState.forEach((state, n) -> count.count(state.name().toLowerCase(Locale.ROOT), n));
    }

    @Override
    public void keeperLinks(Metrics.KeeperLinkState link) {
        byName.values().forEach(g -> link.link(g.supervisor().name(), g.relay().up));
    }

    /** All guests, sorted by name. */
    public List<GuestSupervisor> all() {
        List<GuestSupervisor> all = new ArrayList<>();
        byName.values().forEach(g -> all.add(g.supervisor()));
        return all;
    }

    /** A listener's registration; closing it ends the calls. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Calls {@code listener} (on the thread that made the change) whenever a guest changes state, until closed. */
    public Subscription subscribe(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** What is wrong with the host as a whole, for admins. */
    public Alerts alerts() {
        return alerts;
    }

    private void fire() {
        if (!replacingKeeper.get() && alerts.raised(Alerts.Topic.KEEPER)
                && byName.values().stream().noneMatch(g -> g.supervisor().consoleLost())) {
            alerts.clear(Alerts.Topic.KEEPER);
        }
        listeners.forEach(Runnable::run);
    }
}
