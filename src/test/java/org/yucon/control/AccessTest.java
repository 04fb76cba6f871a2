package org.yucon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yucon.config.AccountConfig;

/** Which guest action each kind of login may take, as {@link Access} decides it on the accounts as they are now. */
class AccessTest {
    private static final Set<String> NO_WATCHERS = Set.of();
    private static final Set<GuestAction> VIEWS = EnumSet.of(GuestAction.PROCESSES, GuestAction.LOG, GuestAction.WATCH_CONSOLE);
    private static final Set<GuestAction> DRIVING = EnumSet.of(GuestAction.BOOT, GuestAction.SHUTDOWN, GuestAction.REBOOT,
            GuestAction.SYSRQ, GuestAction.WRITE_CONSOLE, GuestAction.RECORDINGS);

    private final Map<String, AccountConfig> accounts = Map.of(
            "owner", account("owner", false, "uml1"),
            "watcher", account("watcher", false),
            "admin", account("admin", true),
            "stranger", account("stranger", false, "uml2"));

    @Test
    void anOwnerDrivesItsGuestButNeitherHotplugsNorReadsItsSettings() {
        assertEquals(union(VIEWS, DRIVING), allowed("owner", NO_WATCHERS));
    }

    @Test
    void aReadOnlyWatcherOnlyWatches() {
        assertEquals(VIEWS, allowed("watcher", Set.of("watcher")));
    }

    @Test
    void anOwnerListedAsWatcherOnlyWatches() {
        assertEquals(VIEWS, allowed("owner", Set.of("owner")));
    }

    @Test
    void anAdminMayDoEverything() {
        assertEquals(EnumSet.allOf(GuestAction.class), allowed("admin", NO_WATCHERS));
    }

    @Test
    void anAdminListedAsWatcherWatchesAndSeesTheSettings() {
        assertEquals(union(VIEWS, EnumSet.of(GuestAction.SETTINGS)), allowed("admin", Set.of("admin")));
    }

    @Test
    void aStrangerMayDoNothing() {
        assertEquals(EnumSet.noneOf(GuestAction.class), allowed("stranger", NO_WATCHERS));
    }

    @Test
    void aRemovedAccountMayDoNothingEvenWhereItIsListed() {
        assertEquals(EnumSet.noneOf(GuestAction.class), allowed("gone", Set.of("gone")));
    }

    @Test
    void aChangedAccountCountsAtTheNextQuestion() {
        AccountConfig[] now = {account("owner", false, "uml1")};
        Access access = new Access(login -> Optional.of(now[0]), "owner");
        assertEquals(true, access.may(GuestAction.BOOT, "uml1", NO_WATCHERS));
        now[0] = account("owner", false);
        assertEquals(false, access.may(GuestAction.BOOT, "uml1", NO_WATCHERS), "the grant was revoked");
        assertEquals(false, access.may(GuestAction.LOG, "uml1", NO_WATCHERS));
    }

    private Set<GuestAction> allowed(String login, Set<String> watchers) {
        Access access = new Access(name -> Optional.ofNullable(accounts.get(name)), login);
        Set<GuestAction> allowed = EnumSet.noneOf(GuestAction.class);
        for (GuestAction action : GuestAction.values()) {
            if (access.may(action, "uml1", watchers)) {
                allowed.add(action);
            }
        }
        return allowed;
    }

    private static Set<GuestAction> union(Set<GuestAction> a, Set<GuestAction> b) {
        Set<GuestAction> both = EnumSet.copyOf(a);
        both.addAll(b);
        return both;
    }

    private static AccountConfig account(String name, boolean admin, String... guests) {
        return new AccountConfig(name, Optional.empty(), Optional.empty(), admin, Set.of(guests), (byte) 1);
    }
}
