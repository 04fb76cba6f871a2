package org.yucon.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * One login, from {@code etc/accounts/NAME.toml}, with its keys in {@code NAME.keys} beside it.
 *
 * @param name           the SSH login name
 * @param passwordHash   a SHA-512 crypt hash ({@code $6$...}); empty means no password login
 * @param authorizedKeys an OpenSSH authorized_keys file, if the account has one
 * @param admin          admins see and drive every guest
 * @param guests         the guests this account owns
 * @param escapeKey      the prefix of console escape keys for this login: its own, or the gateway's
 */
public record AccountConfig(String name, Optional<String> passwordHash, Optional<Path> authorizedKeys,
                            boolean admin, Set<String> guests, byte escapeKey) {
    public AccountConfig {
        guests = Set.copyOf(guests);
    }

    /** Whether this login may drive the guest: boot it, stop it, type on its console. */
    public boolean owns(String guest) {
        return admin || guests.contains(guest);
    }
}
