package org.yucon.guest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import jnr.posix.POSIX;
import org.yucon.config.Configuration;
import org.yucon.config.GuestConfig;
import org.yucon.console.ConsoleEventLog;
import org.yucon.console.ConsoleHub;
import org.yucon.keeper.KeeperClient;
import org.yucon.keeper.KeeperLink;
import org.yucon.keeper.KeptStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every guest of this host, by name, each with its supervisor, its console hub and its link to the console keeper,
 * and the listeners that want to hear when any of them changes state (menus). Built once at start; the map never
 * changes afterwards. Guests the keeper runs already (from an earlier gateway) are taken up again, console and all.
 */
public final class Guests implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Guests.class);

    private final Map<String, GuestSupervisor> byName;
    private final List<KeeperLink> links = new ArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public Guests(Configuration config, Path kernel, KeeperClient keeper, ScheduledExecutorService scheduler, POSIX posix)
            throws IOException {
        Path umlDir = config.gateway().stateDir().resolve("uml");
        Path logs = config.gateway().stateDir().resolve("logs");
        Map<String, KeptStatus> kept = new HashMap<>();
        keeper.list().forEach(k -> kept.put(k.guest(), k));
        Map<String, GuestSupervisor> map = new LinkedHashMap<>();
        for (GuestConfig guest : config.guests().values()) {
            ConsoleHub hub = new ConsoleHub(guest.name(), config.gateway().console(), new ConsoleEventLog(logs, guest.name()));
            GuestSupervisor supervisor = new GuestSupervisor(guest, guest.kernel().orElse(kernel), umlDir, hub, keeper,
                    scheduler, posix, g -> fire());
            KeeperLink link = keeper.attach(guest.name(), config.gateway().console().ringBytes(), guest.log(),
                    new Relay(hub, supervisor));
            links.add(link);
            hub.connect(link);
            map.put(guest.name(), supervisor);
            KeptStatus status = kept.get(guest.name());
            if (status != null && status.pid() != 0) {
                supervisor.resume(status.pid());
            } else {
                supervisor.adoptLeftover();
            }
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /** What the keeper says about one guest goes to its hub (output) and supervisor (exits). */
    private static final class Relay implements KeeperLink.Listener {
        private final ConsoleHub hub;
        private final GuestSupervisor supervisor;

        Relay(ConsoleHub hub, GuestSupervisor supervisor) {
            this.hub = hub;
            this.supervisor = supervisor;
        }

        @Override
        public void output(byte[] bytes, int length) {
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
            log.error("the console keeper link of {} is gone: {}", supervisor.name(), cause.getMessage());
            hub.announce("the console keeper is gone; restart the gateway to reach this console again");
        }
    }

    /** Closes the links to the keeper; the guests and their consoles stay with it. */
    @Override
    public void close() {
        links.forEach(KeeperLink::close);
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
