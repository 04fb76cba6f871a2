package org.yucon.control;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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
    /** The account of a login as it is now; empty once it was removed. */
    private final Function<String, Optional<AccountConfig>> accounts;
    private final String login;

    /** {@code accounts} answers from memory: it is asked at every key. */
    public Access(Function<String, Optional<AccountConfig>> accounts, String login) {
        this.accounts = accounts;
        this.login = login;
    }

    public static Access of(AccountBook accounts, String login) {
        return new Access(accounts::current, login);
    }

    public String login() {
        return login;
    }

    /** The account as it is now; empty once it was removed. */
    public Optional<AccountConfig> account() {
        return accounts.apply(login);
    }

    public boolean admin() {
        return account().map(AccountConfig::admin).orElse(false);
    }

    public boolean sees(GuestSupervisor guest) {
        return sees(guest.name(), guest.watchers());
    }

    public boolean drives(GuestSupervisor guest) {
        return drives(guest.name(), guest.watchers());
    }

    /** Whether the login may do {@code action} on {@code guest} now. */
    public boolean may(GuestAction action, GuestSupervisor guest) {
        return may(action, guest.name(), guest.watchers());
    }

    /** The decision itself, on a guest's name and {@code read_only} list. */
    boolean may(GuestAction action, String guest, Set<String> watchers) {
        boolean allowed = action.drives() ? drives(guest, watchers) : sees(guest, watchers);
        return allowed && (!action.adminOnly() || admin());
    }

    boolean sees(String guest, Set<String> watchers) {
        return owns(guest) || watches(watchers);
    }

    boolean drives(String guest, Set<String> watchers) {
        return owns(guest) && !watches(watchers);
    }

    private boolean owns(String guest) {
        return account().map(a -> a.owns(guest)).orElse(false);
    }

    /** A removed account watches nothing either. */
    private boolean watches(Set<String> watchers) {
        return watchers.contains(login) && account().isPresent();
    }
}
