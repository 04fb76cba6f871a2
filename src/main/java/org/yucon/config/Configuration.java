package org.yucon.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything read from one {@code etc} directory, validated as a whole.
 *
 * @param guestErrors one sentence (file and line) per guest file that did not load; those guests are left out
 */
public record Configuration(Path etc, GatewaySettings gateway, SortedMap<String, GuestConfig> guests,
                            Map<String, AccountConfig> accounts, List<String> guestErrors) {
    public Configuration {
        guestErrors = List.copyOf(guestErrors);
        guests = Collections.unmodifiableSortedMap(new TreeMap<>(guests));
        accounts = Map.copyOf(accounts);
    }

    public Optional<AccountConfig> account(String name) {
        return Optional.ofNullable(accounts.get(name));
    }
}
