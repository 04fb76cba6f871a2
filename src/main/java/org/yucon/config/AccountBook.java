package org.yucon.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts as they are on disk now: when a file under {@code accounts/} (or {@code guests/}) changes (looked at, at most once a
 * second, when somebody logs in), the directory is read and validated again, and new logins see the change
 * without a restart. A change that does not validate is logged with its file and line, and the accounts as they
 * were stay in force. Called on MINA's I/O threads and session threads; the current map is swapped atomically.
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
    private volatile Loaded loaded;
    private volatile String stamp;
    private volatile long lookedAt = System.nanoTime();

    public AccountBook(Configuration config) {
        this.loader = new ConfigLoader(config.etc());
        this.gatewayEscape = config.gateway().console().escapeKey();
        this.loaded = Loaded.of(config.accounts());
        this.stamp = stamp();
    }

    public Optional<AccountConfig> account(String name) {
        refreshIfChanged();
        return Optional.ofNullable(loaded.accounts().get(name));
    }

    /** The keys files of all accounts that have one, in the order of their names. */
    public List<Path> keyFiles() {
        return loaded.keyFiles();
    }

    /** Accounts name guests, so a guest file added or removed is a reason to read the accounts again too. */
    private String stamp() {
        return DirectoryStamp.of(loader.accountsDir()) + DirectoryStamp.of(loader.guestsDir());
    }

    private void refreshIfChanged() {
        long now = System.nanoTime();
        if (now - lookedAt < LOOK_EVERY_NANOS) {
            return;
        }
        lookedAt = now;
        String current = stamp();
        if (current.equals(stamp)) {
            return;
        }
        synchronized (this) {
            if (current.equals(stamp)) {
                return;
            }
            stamp = current;
            try {
                Map<String, AccountConfig> accounts = loader.loadAccounts(loader.guestNames(), gatewayEscape);
                loaded = Loaded.of(accounts);
                log.info("accounts reloaded: {}", String.join(", ", new TreeMap<>(accounts).keySet()));
            } catch (ConfigException e) {
                log.warn("accounts not reloaded, the previous ones stay in force: {}", e.getMessage());
            }
        }
    }
}
