package org.yucon.ssh;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.AccountConfig;
import org.yucon.config.ConfigException;
import org.yucon.config.AccountBook;

/**
 * Password and public-key authentication against the accounts of the configuration. Keys are read at each
 * attempt, so a changed keys file counts for the next login. An unknown login costs the same hashing as a known
 * one and fails the same way, so neither message nor timing tells them apart. A failed password is answered
 * only after a delay that holds no thread; an address with too many failures is refused for a while. A password
 * is hashed on the sessions' pool, not on MINA's I/O thread: the hash takes milliseconds of CPU (2-3 ms here), and
 * every connection's input waits for that thread.
 */
final class AccountAuthenticator implements PasswordAuthenticator, PublickeyAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(AccountAuthenticator.class);
    private static final String DECOY_HASH = Sha2Crypt.sha512Crypt("decoy".getBytes(StandardCharsets.UTF_8));

    private final AccountBook accounts;
    private final LoginGuard guard;
    private final AuditLog audit;
    private final ScheduledExecutorService scheduler;
    private final Executor hashing;

    AccountAuthenticator(AccountBook accounts, LoginGuard guard, AuditLog audit, ScheduledExecutorService scheduler,
                         Executor hashing) {
        this.accounts = accounts;
        this.guard = guard;
        this.audit = audit;
        this.scheduler = scheduler;
        this.hashing = hashing;
    }

    @Override
    public boolean authenticate(String username, String password, ServerSession session) {
        AsyncAuthException answer = new AsyncAuthException();
        hashing.execute(() -> answer(answer, username, password, session));
        throw answer;
    }

    private void answer(AsyncAuthException answer, String username, String password, ServerSession session) {
        String address = address(session);
        boolean ok = passwordMatches(username, password) && !guard.blocked(address, Instant.now());
        audit.record(username, String.valueOf(session.getClientAddress()), "password-auth", "", ok ? "accepted" : "refused");
        if (ok) {
            guard.succeeded(address);
            answer.setAuthed(true);
            return;
        }
        guard.failed(address, Instant.now());
        scheduler.schedule(() -> answer.setAuthed(false), guard.failureDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        Optional<AccountConfig> account = accounts.account(username);
        boolean ok = account.isPresent() && account.get().authorizedKeys().isPresent() && listed(account.get(), key)
                && !guard.blocked(address(session), Instant.now());
        log.debug("public key {} for {} from {}: {}", KeyUtils.getFingerPrint(key), username, session.getClientAddress(),
                ok ? "accepted" : "refused");
        if (ok) {
            audit.record(username, String.valueOf(session.getClientAddress()), "publickey-auth", "", "accepted " + KeyUtils.getFingerPrint(key));
        }
        return ok;
    }

    private boolean passwordMatches(String username, String password) {
        Optional<String> hash = accounts.account(username).flatMap(AccountConfig::passwordHash);
        String stored = hash.orElse(DECOY_HASH);
        String computed = Sha2Crypt.sha512Crypt(password.getBytes(StandardCharsets.UTF_8), stored);
        return hash.isPresent() && MessageDigest.isEqual(
                computed.getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8));
    }

    /** The address without the port: the throttle is per host, not per connection. */
    private static String address(ServerSession session) {
        SocketAddress a = session.getClientAddress();
        return a instanceof InetSocketAddress ? ((InetSocketAddress) a).getAddress().getHostAddress() : String.valueOf(a);
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
