package org.yucon.ssh;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
import org.yucon.config.LoginLimits;

/**
 * Password and public-key authentication against the accounts of the configuration. Keys are read at each
 * attempt, so a changed keys file counts for the next login. An unknown login costs the same hashing as a known
 * one and fails the same way, so neither message nor timing tells them apart. A failed password is answered
 * {@code auth_failure_delay} after it came, however it failed, without a thread waiting. {@link LoginGuard} refuses
 * an address with too many failures for a while and slows the guessing of one account's password. A password is
 * hashed on a pool of its own, not on MINA's I/O thread: the hash takes milliseconds of CPU (2-4 ms here), and every
 * connection's input waits for that thread. Nothing is hashed for a password the guard refuses, one over
 * {@code password_max_bytes} (its hash costs the square of its length), a client that has gone, or past the pool's
 * queue.
 */
final class AccountAuthenticator implements PasswordAuthenticator, PublickeyAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(AccountAuthenticator.class);
    private static final String DECOY_HASH = Sha2Crypt.sha512Crypt("decoy".getBytes(StandardCharsets.UTF_8));

    /** One password to check, and how to answer it; {@code account} is empty for a login that does not exist. */
    private record Attempt(String login, Optional<AccountConfig> account, String source, ServerSession session,
                           AsyncAuthException answer, long failAtNanos) {
        String from() {
            return String.valueOf(session.getClientAddress());
        }
    }

    private final AccountBook accounts;
    private final LoginGuard guard;
    private final int passwordMaxBytes;
    private final AuditLog audit;
    private final ScheduledExecutorService scheduler;
    private final Executor hashing;

    /** {@code hashing} rejects what it cannot take soon: such a password fails unhashed. */
    AccountAuthenticator(AccountBook accounts, LoginLimits limits, AuditLog audit, ScheduledExecutorService scheduler,
                         Executor hashing) {
        this.accounts = accounts;
        this.guard = new LoginGuard(limits);
        this.passwordMaxBytes = limits.passwordMaxBytes();
        this.audit = audit;
        this.scheduler = scheduler;
        this.hashing = hashing;
    }

    @Override
    public boolean authenticate(String username, String password, ServerSession session) {
        AsyncAuthException answer = new AsyncAuthException();
        Attempt attempt = new Attempt(username, accounts.account(username), LoginGuard.source(session.getClientAddress()),
                session, answer, System.nanoTime() + guard.failureDelay().toNanos());
        switch (guard.admit(attempt.source(), attempt.account().map(AccountConfig::name), Instant.now())) {
            case SOURCE_THROTTLED -> fail(attempt, "refused:address-throttled");
            case BUDGET_SPENT -> fail(attempt, "refused:login-budget-spent");
            case CHECK -> bounded(password).ifPresentOrElse(bytes -> check(attempt, bytes),
                    () -> fail(attempt, "refused:password-too-long"));
        }
        throw answer;
    }

    /** The password as UTF-8, unless it is longer than {@code password_max_bytes} (a char is at least a byte). */
    private Optional<byte[]> bounded(String password) {
        if (password.length() > passwordMaxBytes) {
            return Optional.empty();
        }
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        return bytes.length > passwordMaxBytes ? Optional.empty() : Optional.of(bytes);
    }

    private void check(Attempt attempt, byte[] password) {
        try {
            hashing.execute(() -> hash(attempt, password));
        } catch (RejectedExecutionException e) {
            fail(attempt, "refused:too-many-passwords-at-once");
        }
    }

    /** On the hashing pool. */
    private void hash(Attempt attempt, byte[] password) {
        if (!attempt.session().isOpen()) {
            audit.record(attempt.login(), attempt.from(), "password-auth", "", "refused:client-gone");
            return;
        }
        if (!passwordMatches(attempt.account(), password)) {
            fail(attempt, "refused");
            return;
        }
        guard.succeeded(attempt.source(), attempt.login(), Instant.now());
        audit.record(attempt.login(), attempt.from(), "password-auth", "", "accepted");
        attempt.answer().setAuthed(true);
    }

    /** Records the failure and answers it at its time, whatever the reason. */
    private void fail(Attempt attempt, String result) {
        audit.record(attempt.login(), attempt.from(), "password-auth", "", result);
        long wait = Math.max(0, attempt.failAtNanos() - System.nanoTime());
        scheduler.schedule(() -> attempt.answer().setAuthed(false), wait, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        Optional<AccountConfig> account = accounts.account(username);
        boolean ok = account.isPresent() && account.get().authorizedKeys().isPresent() && listed(account.get(), key)
                && !guard.refused(LoginGuard.source(session.getClientAddress()), Instant.now());
        log.debug("public key {} for {} from {}: {}", KeyUtils.getFingerPrint(key), username, session.getClientAddress(),
                ok ? "accepted" : "refused");
        if (ok) {
            audit.record(username, String.valueOf(session.getClientAddress()), "publickey-auth", "", "accepted " + KeyUtils.getFingerPrint(key));
        }
        return ok;
    }

    private static boolean passwordMatches(Optional<AccountConfig> account, byte[] password) {
        Optional<String> hash = account.flatMap(AccountConfig::passwordHash);
        String stored = hash.orElse(DECOY_HASH);
        String computed = Sha2Crypt.sha512Crypt(password, stored);
        return hash.isPresent() && MessageDigest.isEqual(
                computed.getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8));
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
