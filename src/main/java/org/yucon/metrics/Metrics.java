package org.yucon.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The gateway's counters, in a registry of its own (never the client's global one), exposed by {@link MetricsServer}
 * when {@code [metrics] listen} is set. Counting is always on and costs an add; gauges (guests by state, keeper links)
 * are read only when scraped, through {@link #watch}. Thread-safe: any thread counts.
 */
public final class Metrics {
    /** How a session was used: the menu, a console, a verb. */
    public enum SessionKind { MENU, CONSOLE, VERB }

    /** How a login attempt ended; {@code THROTTLED} is one the throttle refused before looking at it. */
    public enum LoginResult { OK, FAILED, THROTTLED }

    /** What the gauges read at each scrape. */
    public interface Gauges {
        /** Calls {@code count} once per guest state with how many guests are in it. */
        void guestsByState(GuestStateCount count);

        /** Calls {@code link} once per guest with whether its link to the console keeper is up. */
        void keeperLinks(KeeperLinkState link);
    }

    public interface GuestStateCount {
        void count(String state, int guests);
    }

    public interface KeeperLinkState {
        void link(String guest, boolean up);
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter boots = counter("yucon_guest_boots", "Guest boots started (by a person, autostart or the restart policy).", "guest");
    private final Counter crashes = counter("yucon_guest_crashes", "Guest exits nobody asked for.", "guest");
    private final Counter restarts = counter("yucon_guest_restarts", "Guest boots made by the restart policy.", "guest");
    private final Counter bootHangs = counter("yucon_guest_boot_hangs",
            "Guest boots that hung before the guest's mconsole opened, killed and booted once more.", "guest");
    private final Counter consoleBytes = counter("yucon_console_bytes", "Console bytes: in (keys to the guest), out (from it).",
            "guest", "direction");
    private final Counter skipped = counter("yucon_console_skipped_bytes",
            "Console output bytes that slow viewers skipped, summed over viewers.", "guest");
    private final Counter sessions = counter("yucon_ssh_sessions", "SSH sessions by what they did: menu, console, verb.", "kind");
    private final Counter logins = counter("yucon_logins", "Login attempts (password or key) by result: ok, failed, throttled.", "result");
    private final Counter recordingsStopped = counter("yucon_recordings_stopped",
            "Console recordings that stopped before their viewer left: the disk was full, or one did not start.");
    private final Map<String, GuestMeters> guests = new ConcurrentHashMap<>();

    public Metrics() {
        for (LoginResult result : LoginResult.values()) {
            logins.labelValues(label(result));
        }
        for (SessionKind kind : SessionKind.values()) {
            sessions.labelValues(label(kind));
        }
        JvmMetrics.builder().register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** A guest's counters, the same each time for the same name. */
    public GuestMeters guest(String name) {
        return guests.computeIfAbsent(name, g -> new GuestMeters(boots.labelValues(g), crashes.labelValues(g),
                restarts.labelValues(g), bootHangs.labelValues(g), consoleBytes.labelValues(g, "in"),
                consoleBytes.labelValues(g, "out"), skipped.labelValues(g)));
    }

    public void session(SessionKind kind) {
        sessions.labelValues(label(kind)).inc();
    }

    public void login(LoginResult result) {
        logins.labelValues(label(result)).inc();
    }

    /** Registers the gauges; called once, by the gateway that has the guests. */
    public void watch(Gauges gauges) {
        gauge("yucon_guests", "Guests by state.", "state",
                callback -> gauges.guestsByState((state, count) -> callback.call(count, state)));
        gauge("yucon_keeper_link_up", "1 while the gateway's link to the console keeper for this guest is up.", "guest",
                callback -> gauges.keeperLinks((guest, up) -> callback.call(up ? 1 : 0, guest)));
    }

    /** A console recording stopped before its viewer left. */
    public void recordingStopped() {
        recordingsStopped.inc();
    }

    /** Registers the gauge of the recordings' disk use, read at each scrape; called once, by the gateway. */
    public void recordings(LongSupplier bytes) {
        GaugeWithCallback.builder().name("yucon_recordings_bytes").help("Disk used by the console recordings.")
                .callback(callback -> callback.call(bytes.getAsLong())).register(registry);
    }

    private void gauge(String name, String help, String label, Consumer<GaugeWithCallback.Callback> read) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(label).callback(read).register(registry);
    }

    /** Without exemplars: no trace to link to, and an increment on a console's path stays one add. */
    private Counter counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
    }

    private static String label(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT);
    }
}
