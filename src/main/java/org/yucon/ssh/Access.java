package org.yucon.ssh;

import org.yucon.config.AccountConfig;
import org.yucon.guest.GuestSupervisor;

/**
 * The one decision point: what a login may do with a guest. It sees a guest it owns (or any, as an admin) or is
 * listed as a watcher of; it drives (boots, stops, types on the console, sends SysRq) only a guest it owns. A
 * guest it may not see does not exist for it.
 */
record Access(AccountConfig account) {

    boolean sees(GuestSupervisor guest) {
        return drives(guest) || guest.config().watchers().contains(account.name());
    }

    boolean drives(GuestSupervisor guest) {
        return account.owns(guest.name());
    }
}
