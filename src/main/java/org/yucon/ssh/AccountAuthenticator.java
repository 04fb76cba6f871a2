package org.yucon.ssh;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.AccountConfig;
import org.yucon.config.ConfigException;
import org.yucon.config.Configuration;

/**
 * Password and public-key authentication against the accounts of the configuration. Keys are read at each
 * attempt, so a changed keys file counts for the next login. An unknown login costs the same hashing as a known
 * one, so timing does not tell them apart.
 */
final class AccountAuthenticator implements PasswordAuthenticator, PublickeyAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(AccountAuthenticator.class);
    private static final String DECOY_HASH = Sha2Crypt.sha512Crypt("decoy".getBytes(StandardCharsets.UTF_8));

    private final Supplier<Configuration> config;

    AccountAuthenticator(Supplier<Configuration> config) {
        this.config = config;
    }

    @Override
    public boolean authenticate(String username, String password, ServerSession session) {
        Optional<String> hash = config.get().account(username).flatMap(AccountConfig::passwordHash);
        String stored = hash.orElse(DECOY_HASH);
        String computed = Sha2Crypt.sha512Crypt(password.getBytes(StandardCharsets.UTF_8), stored);
        boolean ok = hash.isPresent() && MessageDigest.isEqual(
                computed.getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8));
        log.info("password authentication for {} from {}: {}", username, session.getClientAddress(), ok ? "accepted" : "refused");
        return ok;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        Optional<AccountConfig> account = config.get().account(username);
        boolean ok = account.isPresent() && account.get().authorizedKeys().isPresent() && listed(account.get(), key);
        log.info("public key authentication for {} from {} with {}: {}", username, session.getClientAddress(),
                KeyUtils.getFingerPrint(key), ok ? "accepted" : "refused");
        return ok;
    }

    private static boolean listed(AccountConfig account, PublicKey key) {
        try {
            List<PublicKey> keys = AuthorizedKeys.read(account.authorizedKeys().orElseThrow());
            return keys.stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
        } catch (ConfigException e) {
            log.warn("keys of {} unusable: {}", account.name(), e.getMessage());
            return false;
        }
    }
}
