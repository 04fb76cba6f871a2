package org.yucon.ssh;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.yucon.config.AccountBook;
import org.yucon.config.GatewaySettings;
import org.yucon.fleet.Fleet;
import org.yucon.guest.Guests;
import org.yucon.metrics.Metrics;
import org.yucon.recording.Recordings;
import org.yucon.tui.MenuTicker;

/**
 * What every session of the gateway shares: the guests, the accounts, the settings, the scheduler, the pool whose
 * threads run the sessions' steps and the menus' ticker. What a login may see and do is decided by its
 * {@link org.yucon.control.GuestActions}.
 */
record GatewayContext(Guests guests, AccountBook accounts, GatewaySettings settings, ScheduledExecutorService scheduler,
                      Executor sessions, MenuTicker menuTicker, AuditLog audit, Metrics metrics,
                      Recordings recordings, Fleet fleet) {
}
