package org.yucon.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.yucon.config.LoginLimits;

/**
 * Counts failed passwords and refuses more of them before they cost any hashing, in two ways.
 * <ul>
 * <li>Per source, an IPv4 address or an IPv6 /64 (a client has a whole /64 to pick from): once
 * {@code throttleFailures} of its passwords failed within {@code throttleWindow}, it is refused outright, keys too,
 * for the rest of the window. Its failures are kept per login: a login's success forgives that login's failures
 * there and no others, so that logging in as oneself does not wipe the guesses at somebody else's password.</li>
 * <li>Per account, from all sources together: a budget of {@code loginFailures} per {@code throttleWindow}, refilled
 * evenly. While it is spent, the account's passwords fail unchecked, but one is checked each time a failure's worth
 * has come back: guesses from many addresses are slowed to that pace, not let through, and the owner is not locked
 * out (keys are not affected).</li>
 * </ul>
 * A password counts as failed as soon as it is admitted, before it is checked, so that passwords sent at the same
 * moment cannot pass the bounds together; a success takes it back.
 *
 * <p>One guard serves both fronts, SSH and the web page, so that a source's or an account's failures count
 * wherever they were made.
 *
 * <p>Called on MINA's I/O threads, Jetty's threads (admission, keys) and on the password threads (successes). All state is in two
 * concurrent maps of immutable values, each entry replaced atomically ({@code compute}). Memory is bounded: at most
 * {@value #MAX_SOURCES} sources, each with a count per account that failed there and one for all unknown logins
 * (the names an attacker makes up are never kept), and a budget per account.
 */
public final class LoginGuard {

    /** What becomes of a password. */
    public enum Admission {
        /** Hash and compare it. */
        CHECK,
        /** Its source has too many failures: fail it unchecked. */
        SOURCE_THROTTLED,
        /** Its account's budget of failures is spent: fail it unchecked. */
        BUDGET_SPENT
    }

    /** Where the failures of logins that do not exist are counted: no account has an empty name. */
    private static final String NO_SUCH_ACCOUNT = "";
    /**
     * Bounds the memory a flood of sources can take. Past it, expired sources are swept; while all are live, a new
     * source is let through uncounted, and the accounts' budgets still hold.
     */
    private static final int MAX_SOURCES = 100_000;

    /** The failures of one source since {@code since}: in all, and per account. */
    private record Failures(Instant since, int total, Map<String, Integer> byAccount) {
        Failures plus(String account) {
            Map<String, Integer> counts = new HashMap<>(byAccount);
            counts.merge(account, 1, Integer::sum);
            return new Failures(since, total + 1, Map.copyOf(counts));
        }

        /** Without the failures of {@code account}; null when none are left, which removes the entry. */
        Failures forgiving(String account) {
            Integer forgiven = byAccount.get(account);
            if (forgiven == null) {
                return this;
            }
            Map<String, Integer> counts = new HashMap<>(byAccount);
            counts.remove(account);
            return forgiven == total ? null : new Failures(since, total - forgiven, Map.copyOf(counts));
        }
    }

    private final LoginLimits limits;
    /** One failure's worth of an account's budget: it comes back in this time. */
    private final Duration budgetStep;
    private final ConcurrentMap<String, Failures> bySource = new ConcurrentHashMap<>();
    /**
     * Per account, when its budget will be whole again: each failure moves that a {@link #budgetStep} later, and the
     * budget is spent while it is more than a window ahead. An account with a whole budget has no entry.
     */
    private final ConcurrentMap<String, Instant> budgetWhole = new ConcurrentHashMap<>();

    public LoginGuard(LoginLimits limits) {
        this.limits = limits;
        this.budgetStep = limits.throttleWindow().dividedBy(limits.loginFailures());
    }

    public Duration failureDelay() {
        return limits.failureDelay();
    }

    /**
     * Whether a password of {@code account} (empty: a login that does not exist) from {@code source} is checked.
     * If it is, it counts as failed until {@link #succeeded} takes it back.
     */
    public Admission admit(String source, Optional<String> account, Instant now) {
        if (!countFailure(source, account.orElse(NO_SUCH_ACCOUNT), now)) {
            return Admission.SOURCE_THROTTLED;
        }
        return account.isEmpty() || spendBudget(account.get(), now) ? Admission.CHECK : Admission.BUDGET_SPENT;
    }

    /** The password of {@code account} from {@code source} was right: its failures there are forgiven. */
    public void succeeded(String source, String account, Instant now) {
        bySource.computeIfPresent(source, (s, failures) -> failures.forgiving(account));
        budgetWhole.computeIfPresent(account, (a, whole) -> {
            Instant back = whole.minus(budgetStep);
            return back.isAfter(now) ? back : null;
        });
    }

    /** Whether {@code source} is refused outright, keys too. */
    public boolean refused(String source, Instant now) {
        Failures failures = bySource.get(source);
        return failures != null && !expired(failures, now) && failures.total() >= limits.throttleFailures();
    }

    /** The source an address counts for: an IPv4 address, or the /64 of an IPv6 one. */
    public static String source(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return String.valueOf(address);
        }
        InetAddress ip = inet.getAddress();
        if (!(ip instanceof Inet6Address)) {
            return ip.getHostAddress();
        }
        byte[] prefix = Arrays.copyOf(ip.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /** Counts a failure of {@code account} from {@code source}, unless the source has too many: then false. */
    private boolean countFailure(String source, String account, Instant now) {
        if (bySource.size() >= MAX_SOURCES && !bySource.containsKey(source)) {
            sweep(now);
            if (bySource.size() >= MAX_SOURCES) {
                return true;
            }
        }
        AtomicBoolean counted = new AtomicBoolean();
        bySource.compute(source, (s, failures) -> {
            Failures live = failures == null || expired(failures, now) ? new Failures(now, 0, Map.of()) : failures;
            if (live.total() >= limits.throttleFailures()) {
                return live;
            }
            counted.set(true);
            return live.plus(account);
        });
        return counted.get();
    }

    /** Takes a failure's worth from the budget of {@code account}, unless it is spent: then false. */
    private boolean spendBudget(String account, Instant now) {
        AtomicBoolean taken = new AtomicBoolean();
        budgetWhole.compute(account, (a, whole) -> {
            Instant wholeAfter = (whole == null || whole.isBefore(now) ? now : whole).plus(budgetStep);
            if (wholeAfter.isAfter(now.plus(limits.throttleWindow()))) {
                return whole;
            }
            taken.set(true);
            return wholeAfter;
        });
        return taken.get();
    }

    private boolean expired(Failures failures, Instant now) {
        return !now.isBefore(failures.since().plus(limits.throttleWindow()));
    }

    private void sweep(Instant now) {
        bySource.values().removeIf(failures -> expired(failures, now));
        budgetWhole.values().removeIf(whole -> !whole.isAfter(now));
    }
}
