package org.yucon.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import jnr.posix.POSIX;
import org.yucon.config.Configuration;
import org.yucon.config.GuestConfig;
import org.yucon.console.ConsoleHub;
import org.yucon.console.LogFileSink;

/**
 * Every guest of this host, by name, each with its supervisor and console hub, and the listeners that want to
 * hear when any of them changes state (menus). Built once at start; the map never changes afterwards.
 */
public final class Guests {
    private final Map<String, GuestSupervisor> byName;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public Guests(Configuration config, Path kernel, ScheduledExecutorService scheduler, POSIX posix) throws IOException {
        Path state = config.gateway().stateDir();
        Path umlDir = state.resolve("uml");
        Path logs = Files.createDirectories(state.resolve("logs"));
        Map<String, GuestSupervisor> map = new LinkedHashMap<>();
        for (GuestConfig guest : config.guests().values()) {
            ConsoleHub hub = new ConsoleHub(guest.name(), config.gateway().console());
            hub.attachLog(new LogFileSink(logs.resolve(guest.name() + ".log")));
            Path guestKernel = guest.kernel().orElse(kernel);
            map.put(guest.name(), new GuestSupervisor(guest, guestKernel, umlDir, hub, scheduler, posix, g -> fire()));
        }
        this.byName = Collections.unmodifiableMap(map);
        byName.values().forEach(GuestSupervisor::adoptLeftover);
    }

    public Optional<GuestSupervisor> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** All guests, sorted by name. */
    public List<GuestSupervisor> all() {
        return new ArrayList<>(byName.values());
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

    private void fire() {
        listeners.forEach(Runnable::run);
    }
}
