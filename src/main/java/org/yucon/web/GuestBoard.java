package org.yucon.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.AccountBook;
import org.yucon.control.Access;
import org.yucon.control.GuestRow;
import org.yucon.control.HostFacts;
import org.yucon.fleet.FleetSight;
import org.yucon.fleet.PeerView;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Guests;
import org.yucon.guest.mconsole.GuestStats;
import org.yucon.guest.mconsole.MconsoleException;
import org.yucon.util.SerialExecutor;
import org.yucon.util.Uptime;

/**
 * What every open page shows, read once for all of them: each guest's state and figures and the host's, every
 * {@value #TICK_SECONDS} s while a page is open and at once when a guest changes state. Each page gets only the
 * guests its login may see, decided by {@link Access} at each push, and only when what it would show changed.
 *
 * <p>Reads run one at a time on the gateway's pool ({@code reads}), never on the scheduler or a Jetty thread: a
 * guest whose mconsole does not answer holds that thread for the timeout. The last read is replaced whole.
 */
final class GuestBoard {
    private static final long TICK_SECONDS = 5;
    private static final long KEEP_ALIVE_SECONDS = 20;
    private static final Logger log = LoggerFactory.getLogger(GuestBoard.class);

    /** One page's stream and the last state sent to it (touched by the reads' thread only, after registration). */
    private static final class Page {
        final Access access;
        final EventStream stream;
        volatile String sent = "";

        Page(Access access, EventStream stream) {
            this.access = access;
            this.stream = stream;
        }
    }

    /** The facts of one read: a row per guest (by name, in order), the host's figures, and the other hosts'. */
    private record Facts(Map<String, Map<String, Object>> rows, Map<String, Object> host, FleetSight fleet) {
    }

    private final Guests guests;
    private final AccountBook accounts;
    private final int sshPort;
    private final SerialExecutor reads;
    private final AtomicBoolean readQueued = new AtomicBoolean();
    private final List<Page> pages = new CopyOnWriteArrayList<>();
    /** What the polls last saw of the other hosts of the fleet; never waits for a peer. */
    private final Supplier<FleetSight> fleet;
    private volatile Facts facts = new Facts(Map.of(), Map.of(), FleetSight.NONE);

    GuestBoard(Guests guests, AccountBook accounts, int sshPort, ScheduledExecutorService scheduler, Executor pool,
               Supplier<FleetSight> fleet) {
        this.guests = guests;
        this.fleet = fleet;
        this.accounts = accounts;
        this.sshPort = sshPort;
        this.reads = new SerialExecutor(pool);
        guests.subscribe(this::stateChanged);
        scheduler.scheduleWithFixedDelay(this::requestRead, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(this::keepAlive, KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
    }

    /** Pushes the state to {@code stream} now and at every change, until the stream ends. */
    Runnable open(Access access, EventStream stream) {
        Page page = new Page(access, stream);
        pages.add(page);
        reads.execute(() -> {
            if (pages.size() == 1 || facts.rows().isEmpty()) {
                facts = read(true);
            }
            push(page, facts);
        });
        return () -> pages.remove(page);
    }

    /** The state one login would be shown now, read now: for a page that asks ("refresh now"). */
    String stateNow(Access access) {
        Facts now = read(true);
        facts = now;
        return state(access, now);
    }

    /**
     * A guest changed state: the pages are told at once, with the figures they had (a guest's own come from its
     * mconsole, which may take long right after a boot), and the figures follow with a full read.
     */
    private void stateChanged() {
        if (!pages.isEmpty()) {
            reads.execute(() -> {
                Facts now = read(false);
                facts = now;
                pages.forEach(page -> push(page, now));
            });
            requestRead();
        }
    }

    private void requestRead() {
        if (!pages.isEmpty() && readQueued.compareAndSet(false, true)) {
            reads.execute(() -> {
                readQueued.set(false);
                Facts now = read(true);
                facts = now;
                pages.forEach(page -> push(page, now));
            });
        }
    }

    /** A peer went up or down, or what it holds changed: on a poll's thread, so only a read is asked for. */
    void fleetChanged() {
        requestRead();
    }

    private void keepAlive() {
        pages.forEach(page -> page.stream.keepAlive());
    }

    private void push(Page page, Facts now) {
        String state = state(page.access, now);
        if (!state.equals(page.sent)) {
            page.sent = state;
            page.stream.state(state);
        }
    }

    /** The page's JSON: its login, and of each guest it may see, the row and whether it may drive it. */
    private String state(Access access, Facts now) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("login", access.login());
        boolean admin = access.admin();
        state.put("admin", admin);
        state.put("sshPort", sshPort);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (GuestSupervisor guest : guests.all()) {
            Map<String, Object> row = now.rows().get(guest.name());
            if (row != null && access.sees(guest)) {
                Map<String, Object> mine = new LinkedHashMap<>(row);
                mine.put("drives", access.drives(guest));
                rows.add(mine);
            }
        }
        state.put("guests", rows);
        if (admin) {
            state.put("host", now.host());
            state.put("fleet", fleet(now.fleet()));
        }
        return Json.of(state);
    }

    /** Without {@code figures}, a guest's row is the last one read while its state is the same, else without figures. */
    private Facts read(boolean figures) {
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        Facts last = facts;
        for (GuestSupervisor guest : guests.all()) {
            try {
                Map<String, Object> known = last.rows().get(guest.name());
                Map<String, Object> row = row(guest, figures);
                boolean same = known != null && known.get("state").equals(row.get("state"))
                        && known.get("since").equals(row.get("since"));
                rows.put(guest.name(), figures || !same ? row : known);
            } catch (RuntimeException e) {
                log.warn("the facts of {} could not be read: {}", guest.name(), e.toString());
            }
        }
        return new Facts(rows, figures || last.host().isEmpty() ? host() : last.host(), fleet.get());
    }

    private Map<String, Object> row(GuestSupervisor guest, boolean figures) {
        GuestRow status = GuestRow.of(guest);
        Optional<GuestStats> stats = figures && status.state() == GuestState.RUNNING ? stats(guest) : Optional.empty();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", guest.name());
        row.put("owners", accounts.owners(guest.name()));
        row.put("state", status.stateWord());
        row.put("label", status.state().label());
        row.put("detail", status.detail());
        row.put("since", status.since().toString());
        row.put("runlevel", guest.config().boot().runlevel().orElse(""));
        row.put("uptime", stats.map(s -> Uptime.of(s.uptime())).orElse(""));
        row.put("load", stats.map(s -> String.format("%.2f %.2f %.2f", s.load().one(), s.load().five(), s.load().fifteen()))
                .orElse(""));
        row.put("memory", stats.map(s -> s.memory().usedKib() / 1024 + "/" + s.memory().totalKib() / 1024 + " MB").orElse(""));
        row.put("kernel", stats.map(GuestStats::kernelRelease).orElse(""));
        row.put("viewers", status.viewers());
        return row;
    }

    private static Optional<GuestStats> stats(GuestSupervisor guest) {
        try {
            return Optional.of(guest.stats());
        } catch (MconsoleException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * An admin's view of the other hosts, read-only: each peer with its figures (or why it is unreachable) and the
     * guests it holds; then every guest name two hosts claim. Empty outside a fleet.
     */
    private static Map<String, Object> fleet(FleetSight sight) {
        List<Map<String, Object>> peers = new ArrayList<>();
        for (PeerView view : sight.peers()) {
            Map<String, Object> peer = new LinkedHashMap<>();
            peer.put("name", view.name());
            peer.put("up", view.up());
            peer.put("reason", view.reason());
            peer.put("load", view.up() ? view.load() : "");
            peer.put("memory", view.up() ? view.memory() : "");
            List<Map<String, Object>> held = new ArrayList<>();
            for (int i = 0; view.up() && i < view.guests().size(); i++) {
                held.add(Map.of("name", view.guests().get(i), "state", view.states().get(i)));
            }
            peer.put("guests", held);
            peers.add(peer);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("peers", peers);
        json.put("duplicates", sight.duplicates());
        return json;
    }

    private static Map<String, Object> host() {
        HostFacts facts = HostFacts.read();
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("name", facts.hostName());
        host.put("load", facts.load());
        host.put("memory", facts.memory());
        host.put("uptime", Uptime.of(facts.uptime(Instant.now())));
        host.put("kernel", facts.kernel());
        return host;
    }
}
