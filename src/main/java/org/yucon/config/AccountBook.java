package org.yucon.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts as they are on disk now. The files under {@code accounts/} (and {@code guests/}, which accounts name)
 * are looked at every few seconds by the scheduler ({@link #look}) and, at most once a second, when somebody logs in;
 * when they changed, the directory is read and validated again, and new logins and open sessions alike follow the
 * change without a restart (the sessions through {@link AccessChanges}). A change that does not validate is logged
 * with its file and line, and the accounts as they were stay in force. Read on MINA's I/O threads and session
 * threads; the current map is swapped atomically, by one reader of the files at a time.
 */
public final class AccountBook {
    private static final Logger log = LoggerFactory.getLogger(AccountBook.class);
    private static final long LOOK_EVERY_NANOS = 1_000_000_000L;

    /** The accounts by name, and the keys files among them in name order: swapped together. */
    private record Loaded(Map<String, AccountConfig> accounts, List<Path> keyFiles) {
        static Loaded of(Map<String, AccountConfig> accounts) {
            return new Loaded(Map.copyOf(accounts), new TreeMap<>(accounts).values().stream()
                    .flatMap(account -> account.authorizedKeys().stream()).toList());
        }
    }

    private final ConfigLoader loader;
    private final byte gatewayEscape;
    private final AccessChanges changes;
    private volatile Loaded loaded;
    private volatile String stamp;
    private volatile long lookedAt = System.nanoTime();

    public AccountBook(Configuration config, AccessChanges changes) {
        this.loader = new ConfigLoader(config.etc());
        this.gatewayEscape = config.gateway().console().escapeKey();
        this.changes = changes;
        this.loaded = Loaded.of(config.accounts());
        this.stamp = stamp();
    }

    /** The account as its file says, looked at again first if the last look is over a second old: for logins. */
    public Optional<AccountConfig> account(String name) {
        if (System.nanoTime() - lookedAt >= LOOK_EVERY_NANOS) {
            look();
        }
        return current(name);
    }

    /** The account as last read, without touching the disk: for the decisions on every action and keystroke. */
    public Optional<AccountConfig> current(String name) {
        return Optional.ofNullable(loaded.accounts().get(name));
    }

    /** The names of the accounts that own {@code guest} by their file's {@code guests} (admins aside), in order. */
    public List<String> owners(String guest) {
        return new TreeMap<>(loaded.accounts()).values().stream()
                .filter(account -> account.guests().contains(guest)).map(AccountConfig::name).toList();
    }

    /** The keys files of all accounts that have one, in the order of their names. */
    public List<Path> keyFiles() {
        return loaded.keyFiles();
    }

    /** What counts the changes this book makes to the accounts; the guest files count theirs there too. */
    public AccessChanges changes() {
        return changes;
    }

    /** Reads the accounts again if their files changed since the last look, and counts a change that took. */
    public void look() {
        lookedAt = System.nanoTime();
        String current = stamp();
        if (current.equals(stamp)) {
            return;
        }
        boolean changed;
        synchronized (this) {
            if (current.equals(stamp)) {
                return;
            }
            stamp = current;
            changed = reload();
        }
        if (changed) {
            changes.changed();
        }
    }

    /** Accounts name guests, so a guest file added or removed is a reason to read the accounts again too. */
    private String stamp() {
        return DirectoryStamp.of(loader.accountsDir()) + DirectoryStamp.of(loader.guestsDir());
    }

    /** Caller holds the monitor; true when the accounts in force are not what they were. */
    private boolean reload() {
        try {
            Map<String, AccountConfig> accounts = loader.loadAccounts(loader.guestNames(), gatewayEscape);
            if (accounts.equals(loaded.accounts())) {
                return false;
            }
            loaded = Loaded.of(accounts);
            log.info("accounts reloaded: {}", String.join(", ", new TreeMap<>(accounts).keySet()));
            return true;
        } catch (ConfigException | RuntimeException e) {
            // Also on the scheduler, where an exception would silently end the periodic look.
            log.warn("accounts not reloaded, the previous ones stay in force: {}", e.getMessage());
            return false;
        }
    }
}
