package org.yucon.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.yucon.config.AccountBook;
import org.yucon.config.AccountConfig;
import org.yucon.config.LoginLimits;
import org.yucon.metrics.Metrics;
import org.yucon.ssh.AuditLog;

/**
 * The one password check of both fronts, SSH and the web page. An unknown login costs the same hashing as a known
 * one and fails the same way, so neither message nor timing tells them apart. A failed password is answered
 * {@code auth_failure_delay} after it came, however it failed, without a thread waiting. The {@link LoginGuard}
 * refuses an address with too many failures for a while and slows the guessing of one account's password. A
 * password is hashed on a pool of its own (2-4 ms of CPU here), never on a network thread. Nothing is hashed for a
 * password the guard refuses, one over {@code password_max_bytes} (its hash costs the square of its length), a
 * client that has gone, or past the pool's queue.
 *
 * <p>Called on the fronts' network threads; answers on the hashing pool (success) or the scheduler (failure).
 */
public final class PasswordCheck {
    /** How long a hashing thread with nothing to do lives on. */
    private static final Duration HASHING_THREAD_KEEP_ALIVE = Duration.ofSeconds(30);
    private static final String DECOY_HASH = Sha2Crypt.sha512Crypt("decoy".getBytes(StandardCharsets.UTF_8));

    /**
     * One password to check. {@code from} is the client's address as logged, {@code source} what the guard counts it
     * for ({@link LoginGuard#source}); {@code wanted} says whether the client still waits for the answer.
     */
    public record Attempt(AuditLog.Channel channel, String login, String from, String source, BooleanSupplier wanted) {
    }

    /** One attempt on its way: the account it names (empty for an unknown login), the answer and its deadline. */
    private record Pending(Attempt attempt, Optional<AccountConfig> account, Consumer<Optional<AccountConfig>> answer,
                           long failAtNanos) {
    }

    private final AccountBook accounts;
    private final LoginGuard guard;
    private final int passwordMaxBytes;
    private final AuditLog audit;
    private final ScheduledExecutorService scheduler;
    private final Executor hashing;
    private final Metrics metrics;

    /** {@code hashing} rejects what it cannot take soon: such a password fails unhashed. */
    public PasswordCheck(AccountBook accounts, LoginLimits limits, AuditLog audit, ScheduledExecutorService scheduler,
                         Executor hashing, Metrics metrics) {
        this.accounts = accounts;
        this.guard = new LoginGuard(limits);
        this.passwordMaxBytes = limits.passwordMaxBytes();
        this.audit = audit;
        this.scheduler = scheduler;
        this.hashing = hashing;
        this.metrics = metrics;
    }

    /**
     * The threads that hash passwords: {@code password_threads} at most, {@code password_queue} passwords waiting
     * for them, and past that a password is rejected (and fails unhashed), so that a flood of logins costs at most
     * that many CPUs and a bounded wait, not every core. No thread is kept while nobody logs in.
     */
    public static ExecutorService hashingPool(LoginLimits limits) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(limits.passwordThreads(), limits.passwordThreads(),
                HASHING_THREAD_KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS, new ArrayBlockingQueue<>(limits.passwordQueue()),
                r -> {
                    Thread t = new Thread(r, "password-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    public LoginGuard guard() {
        return guard;
    }

    /**
     * Checks {@code password} and hands {@code answer} the account when it is right, or nothing, at the failure's
     * time, when it is not. Never blocks; an answer nobody waits for any more is not given.
     */
    public void check(Attempt attempt, String password, Consumer<Optional<AccountConfig>> answer) {
        Optional<AccountConfig> account = accounts.account(attempt.login());
        Pending pending = new Pending(attempt, account, answer, System.nanoTime() + guard.failureDelay().toNanos());
        switch (guard.admit(attempt.source(), account.map(AccountConfig::name), Instant.now())) {
            case SOURCE_THROTTLED -> fail(pending, Metrics.LoginResult.THROTTLED, "refused:address-throttled");
            case BUDGET_SPENT -> fail(pending, Metrics.LoginResult.THROTTLED, "refused:login-budget-spent");
            case CHECK -> bounded(password).ifPresentOrElse(bytes -> hashLater(pending, bytes),
                    () -> fail(pending, Metrics.LoginResult.FAILED, "refused:password-too-long"));
        }
    }

    /** The password as UTF-8, unless it is longer than {@code password_max_bytes} (a char is at least a byte). */
    private Optional<byte[]> bounded(String password) {
        if (password.length() > passwordMaxBytes) {
            return Optional.empty();
        }
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        return bytes.length > passwordMaxBytes ? Optional.empty() : Optional.of(bytes);
    }

    private void hashLater(Pending pending, byte[] password) {
        try {
            hashing.execute(() -> hash(pending, password));
        } catch (RejectedExecutionException e) {
            fail(pending, Metrics.LoginResult.THROTTLED, "refused:too-many-passwords-at-once");
        }
    }

    /** On the hashing pool. */
    private void hash(Pending pending, byte[] password) {
        Attempt attempt = pending.attempt();
        if (!attempt.wanted().getAsBoolean()) {
            record(attempt, "refused:client-gone");
            return;
        }
        if (!matches(pending.account(), password)) {
            fail(pending, Metrics.LoginResult.FAILED, "refused");
            return;
        }
        guard.succeeded(attempt.source(), attempt.login(), Instant.now());
        record(attempt, "accepted");
        // An SSH login is counted once the session is authenticated, whatever the method (SessionAudit).
        if (attempt.channel() == AuditLog.Channel.WEB) {
            metrics.login(Metrics.LoginResult.OK);
        }
        pending.answer().accept(pending.account());
    }

    /** Records the failure and answers it at its time, whatever the reason. */
    private void fail(Pending pending, Metrics.LoginResult counted, String result) {
        metrics.login(counted);
        record(pending.attempt(), result);
        long wait = Math.max(0, pending.failAtNanos() - System.nanoTime());
        scheduler.schedule(() -> pending.answer().accept(Optional.empty()), wait, TimeUnit.NANOSECONDS);
    }

    private void record(Attempt attempt, String result) {
        audit.record(attempt.channel(), attempt.login(), attempt.from(), "password-auth", "", result);
    }

    private static boolean matches(Optional<AccountConfig> account, byte[] password) {
        Optional<String> hash = account.flatMap(AccountConfig::passwordHash);
        String stored = hash.orElse(DECOY_HASH);
        String computed = Sha2Crypt.sha512Crypt(password, stored);
        return hash.isPresent() && MessageDigest.isEqual(
                computed.getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8));
    }
}
