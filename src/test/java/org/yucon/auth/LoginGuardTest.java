package org.yucon.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.yucon.auth.LoginGuard.Admission.BUDGET_SPENT;
import static org.yucon.auth.LoginGuard.Admission.CHECK;
import static org.yucon.auth.LoginGuard.Admission.SOURCE_THROTTLED;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.yucon.config.LoginLimits;

class LoginGuardTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(10);
    private static final Optional<String> ADMIN = Optional.of("admin");
    private static final Optional<String> ALICE = Optional.of("alice");
    private static final Optional<String> NOBODY = Optional.empty();

    /** 3 failures per source, 6 per account, in 10 minutes: the account's budget comes back at one per 100 s. */
    private final LoginGuard guard = guard(3, 6);

    private static LoginGuard guard(int throttleFailures, int loginFailures) {
        LoginLimits d = LoginLimits.defaults();
        return new LoginGuard(new LoginLimits(d.authAttempts(), d.loginGrace(), d.failureDelay(), throttleFailures, WINDOW,
                d.sessionsPerAccount(), d.sessionsTotal(), d.idleTimeout(), d.passwordMaxBytes(), d.passwordThreads(),
                d.passwordQueue(), loginFailures, d.startups(), d.sessionsPerConnection(), d.envEntries(), d.envBytes()));
    }

    @Test
    void aSourceWithTooManyFailuresIsRefusedForTheRestOfTheWindow() {
        for (int i = 0; i < 3; i++) {
            assertEquals(CHECK, guard.admit("10.0.0.1", ADMIN, T0.plusSeconds(i)));
        }
        assertEquals(SOURCE_THROTTLED, guard.admit("10.0.0.1", ALICE, T0.plusSeconds(10)));
        assertTrue(guard.refused("10.0.0.1", T0.plus(WINDOW).minusSeconds(1)), "keys are refused too");
        assertFalse(guard.refused("10.0.0.2", T0), "another source is not");
        assertEquals(CHECK, guard.admit("10.0.0.2", ADMIN, T0.plusSeconds(10)));
        assertFalse(guard.refused("10.0.0.1", T0.plus(WINDOW)), "the window has passed");
        assertEquals(CHECK, guard.admit("10.0.0.1", ALICE, T0.plus(WINDOW)));
    }

    @Test
    void aSuccessForgivesThatAccountsFailuresFromThatSourceOnly() {
        guard.admit("10.0.0.1", ADMIN, T0);
        guard.admit("10.0.0.1", ADMIN, T0);
        guard.admit("10.0.0.1", ALICE, T0);
        guard.succeeded("10.0.0.1", "alice", T0);
        assertEquals(CHECK, guard.admit("10.0.0.1", ALICE, T0), "alice's own failure was forgiven");
        guard.succeeded("10.0.0.1", "alice", T0);
        assertEquals(CHECK, guard.admit("10.0.0.1", ADMIN, T0), "admin's third");
        assertEquals(SOURCE_THROTTLED, guard.admit("10.0.0.1", ALICE, T0), "alice's logins forgave none of admin's");
        guard.succeeded("10.0.0.1", "alice", T0);
        assertTrue(guard.refused("10.0.0.1", T0));
    }

    @Test
    void failuresOfLoginsThatDoNotExistAreNeverForgiven() {
        guard.admit("10.0.0.1", NOBODY, T0);
        guard.admit("10.0.0.1", NOBODY, T0);
        guard.succeeded("10.0.0.1", "alice", T0);
        assertEquals(CHECK, guard.admit("10.0.0.1", NOBODY, T0));
        assertEquals(SOURCE_THROTTLED, guard.admit("10.0.0.1", ALICE, T0));
    }

    @Test
    void anAccountsBudgetSlowsGuessesFromManySourcesToItsPace() {
        for (int i = 0; i < 6; i++) {
            assertEquals(CHECK, guard.admit("10.0.0." + i, ADMIN, T0));
        }
        assertEquals(BUDGET_SPENT, guard.admit("10.0.1.1", ADMIN, T0.plusSeconds(99)));
        assertEquals(CHECK, guard.admit("10.0.1.1", ALICE, T0.plusSeconds(99)), "another account has its own budget");
        assertEquals(CHECK, guard.admit("10.0.1.2", NOBODY, T0.plusSeconds(99)), "unknown logins have none");
        assertEquals(CHECK, guard.admit("10.0.1.3", ADMIN, T0.plusSeconds(100)), "a failure's worth came back");
        assertEquals(BUDGET_SPENT, guard.admit("10.0.1.4", ADMIN, T0.plusSeconds(100)));
        assertEquals(CHECK, guard.admit("10.0.1.4", ADMIN, T0.plus(WINDOW).plus(WINDOW)), "whole again");
    }

    @Test
    void aSuccessGivesItsShareOfTheBudgetBack() {
        for (int i = 0; i < 5; i++) {
            guard.admit("10.0.0." + i, ADMIN, T0);
        }
        assertEquals(CHECK, guard.admit("10.0.1.1", ADMIN, T0));
        guard.succeeded("10.0.1.1", "admin", T0);
        assertEquals(CHECK, guard.admit("10.0.1.2", ADMIN, T0), "the right password cost nothing");
        assertEquals(BUDGET_SPENT, guard.admit("10.0.1.3", ADMIN, T0));
    }

    @Test
    void aThrottledSourceSpendsNoBudget() {
        LoginGuard strict = guard(1, 2);
        assertEquals(CHECK, strict.admit("10.0.0.1", ADMIN, T0));
        assertEquals(SOURCE_THROTTLED, strict.admit("10.0.0.1", ADMIN, T0));
        assertEquals(CHECK, strict.admit("10.0.0.2", ADMIN, T0), "admin's budget still has its second");
    }

    @Test
    void anIpv6ClientCountsAsItsSlash64() {
        String source = LoginGuard.source(new InetSocketAddress("2001:db8:1:2::1", 50000));
        assertEquals("2001:db8:1:2:0:0:0:0/64", source);
        assertEquals(source, LoginGuard.source(new InetSocketAddress("2001:db8:1:2:ffff:ffff:ffff:ffff", 50001)));
        assertNotEquals(source, LoginGuard.source(new InetSocketAddress("2001:db8:1:3::1", 50000)));
        assertEquals("192.0.2.7", LoginGuard.source(new InetSocketAddress("192.0.2.7", 50000)), "IPv4: the address, no port");
        assertNotEquals("192.0.2.7", LoginGuard.source(new InetSocketAddress("192.0.2.8", 50000)));
    }

    @Test
    void aFloodOfSourcesIsBoundedAndSweptOnceItsWindowHasPassed() {
        LoginGuard strict = guard(1, 1_000_000);
        for (int i = 0; i < 100_000; i++) {
            strict.admit("s" + i, NOBODY, T0);
        }
        assertEquals(CHECK, strict.admit("new", NOBODY, T0.plusSeconds(1)));
        assertEquals(CHECK, strict.admit("new", NOBODY, T0.plusSeconds(1)), "while every source is live, a new one is not counted");
        assertTrue(strict.refused("s0", T0.plusSeconds(1)), "the sources counted stay refused");
        assertEquals(CHECK, strict.admit("new", NOBODY, T0.plus(WINDOW)));
        assertEquals(SOURCE_THROTTLED, strict.admit("new", NOBODY, T0.plus(WINDOW)), "the expired ones were swept: counted again");
    }
}
