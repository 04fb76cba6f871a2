package org.yucon.ssh;

import java.util.Optional;
import org.yucon.config.AccountBook;
import org.yucon.config.AccountConfig;
import org.yucon.guest.GuestSupervisor;

/**
 * The one decision point: what a login may do with a guest, asked of the account and the guest's {@code read_only}
 * list as they are now, never as they were at login. A login sees a guest it owns (or any, as an admin) or is
 * listed as a watcher of; it drives (boots, stops, types on the console, sends SysRq) a guest it owns and is not
 * listed as a watcher of. A guest it may not see does not exist for it; a removed account may do nothing. Each
 * question is a map lookup and a set lookup, without touching the disk (see {@link AccountBook#current}).
 */
public final class Access {
    private final AccountBook accounts;
    private final String login;

    public Access(AccountBook accounts, String login) {
        this.accounts = accounts;
        this.login = login;
    }

    public String login() {
        return login;
    }

    /** The account as it is now; empty once it was removed. */
    public Optional<AccountConfig> account() {
        return accounts.current(login);
    }

    public boolean admin() {
        return account().map(AccountConfig::admin).orElse(false);
    }

    public boolean sees(GuestSupervisor guest) {
        return owns(guest) || watches(guest);
    }

    public boolean drives(GuestSupervisor guest) {
        return owns(guest) && !watches(guest);
    }

    private boolean owns(GuestSupervisor guest) {
        return account().map(a -> a.owns(guest.name())).orElse(false);
    }

    /** A removed account watches nothing either. */
    private boolean watches(GuestSupervisor guest) {
        return guest.watchers().contains(login) && account().isPresent();
    }
}
