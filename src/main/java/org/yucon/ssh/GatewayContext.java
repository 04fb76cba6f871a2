package org.yucon.ssh;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.yucon.config.AccountBook;
import org.yucon.config.GatewaySettings;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Guests;
import org.yucon.metrics.Metrics;
import org.yucon.tui.MenuTicker;

/**
 * What every session of the gateway shares: the guests, the accounts, the settings, the scheduler, the pool whose
 * threads run the sessions' steps and the menus' ticker. It is also the one place that decides which guests a login may
 * see now: a guest it may not see does not exist for it.
 */
record GatewayContext(Guests guests, AccountBook accounts, GatewaySettings settings, ScheduledExecutorService scheduler,
                      Executor sessions, MenuTicker menuTicker, AuditLog audit, Metrics metrics) {

    List<GuestSupervisor> visibleTo(Access access) {
        return guests.all().stream().filter(access::sees).collect(Collectors.toList());
    }

    Optional<GuestSupervisor> visible(Access access, String name) {
        return guests.get(name).filter(access::sees);
    }
}
