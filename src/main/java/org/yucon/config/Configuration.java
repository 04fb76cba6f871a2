package org.yucon.config;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Everything read from one {@code etc} directory, validated as a whole. */
public record Configuration(GatewaySettings gateway, SortedMap<String, GuestConfig> guests,
                            Map<String, AccountConfig> accounts) {
    public Configuration {
        guests = Collections.unmodifiableSortedMap(new TreeMap<>(guests));
        accounts = Map.copyOf(accounts);
    }

    public Optional<AccountConfig> account(String name) {
        return Optional.ofNullable(accounts.get(name));
    }
}
