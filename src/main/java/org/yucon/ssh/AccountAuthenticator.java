package org.yucon.ssh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
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
import org.yucon.metrics.Metrics;

/**
 * Password and public-key authentication against the accounts of the configuration. Keys are read at each
 * attempt, so a changed keys file counts for the next login. An unknown login costs the same hashing, or the same
 * reading of a keys file, as a known one and fails the same way, so neither message nor timing tells them apart. A
 * failed password is answered {@code auth_failure_delay} after it came, however it failed, without a thread
 * waiting. {@link LoginGuard} refuses an address with too many failures for a while and slows the guessing of one
 * account's password. A password is hashed on a pool of its own, not on MINA's I/O thread: the hash takes
 * milliseconds of CPU (2-4 ms here), and every connection's input waits for that thread. Nothing is hashed for a
 * password the guard refuses, one over {@code password_max_bytes} (its hash costs the square of its length), a
 * client that has gone, or past the pool's queue.
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
    /** Keys the hash that picks an unknown login's decoy keys file; filled once, in the constructor. */
    private final byte[] decoySecret = new byte[32];
    private final LoginGuard guard;
    private final int passwordMaxBytes;
    private final AuditLog audit;
    private final ScheduledExecutorService scheduler;
    private final Executor hashing;
    private final Metrics metrics;

    /** {@code hashing} rejects what it cannot take soon: such a password fails unhashed. */
    AccountAuthenticator(AccountBook accounts, LoginLimits limits, AuditLog audit, ScheduledExecutorService scheduler,
                         Executor hashing, Metrics metrics) {
        this.accounts = accounts;
        this.metrics = metrics;
        new SecureRandom().nextBytes(decoySecret);
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
            case SOURCE_THROTTLED -> throttled(attempt, "refused:address-throttled");
            case BUDGET_SPENT -> throttled(attempt, "refused:login-budget-spent");
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

    private void throttled(Attempt attempt, String result) {
        metrics.login(Metrics.LoginResult.THROTTLED);
        answerFailure(attempt, result);
    }

    private void fail(Attempt attempt, String result) {
        metrics.login(Metrics.LoginResult.FAILED);
        answerFailure(attempt, result);
    }

    /** Records the failure and answers it at its time, whatever the reason. */
    private void answerFailure(Attempt attempt, String result) {
        audit.record(attempt.login(), attempt.from(), "password-auth", "", result);
        long wait = Math.max(0, attempt.failAtNanos() - System.nanoTime());
        scheduler.schedule(() -> attempt.answer().setAuthed(false), wait, TimeUnit.NANOSECONDS);
    }

    /**
     * A login without keys of its own, unknown or with a password only, reads a decoy instead and is refused whatever
     * it holds: an account's keys file, picked by a hash of the login name that nobody outside knows, so that reading
     * and comparing take what they take for a login that has keys, and no made-up name can be aimed at the same file
     * as a real one's.
     */
    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        Optional<Path> own = accounts.account(username).flatMap(AccountConfig::authorizedKeys);
        boolean listed = own.or(() -> decoyKeys(username)).map(file -> listed(file, key)).orElse(false);
        boolean ok = own.isPresent() && listed && !guard.refused(LoginGuard.source(session.getClientAddress()), Instant.now());
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

    private Optional<Path> decoyKeys(String login) {
        List<Path> files = accounts.keyFiles();
        if (files.isEmpty()) {
            return Optional.empty();
        }
        MessageDigest sha256 = sha256();
        sha256.update(decoySecret);
        int hash = ByteBuffer.wrap(sha256.digest(login.getBytes(StandardCharsets.UTF_8))).getInt();
        return Optional.of(files.get(Math.floorMod(hash, files.size())));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static boolean listed(Path keysFile, PublicKey key) {
        try {
            List<PublicKey> keys = AuthorizedKeys.read(keysFile);
            return keys.stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
        } catch (ConfigException e) {
            log.warn("keys unusable: {}", e.getMessage());
            return false;
        }
    }
}
