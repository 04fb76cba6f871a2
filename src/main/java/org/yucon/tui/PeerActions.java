package org.yucon.tui;

/**
 * What an admin's menu does to a guest another host holds: a verb run there as this login, which that host decides
 * and audits as it would a verb relayed to it. Console, ps and top take the terminal instead ({@link GuestMenu.Next.Relay}).
 */
public interface PeerActions {
    /** A menu that shows this host alone: outside a fleet, not an admin, or a session a peer relayed here. */
    PeerActions NONE = new PeerActions() {
        @Override
        public boolean shown() {
            return false;
        }

        @Override
        public void run(PeerGuest guest, String verb) {
            throw new IllegalStateException("no other hosts are shown, yet " + verb + " was asked of " + guest.host());
        }
    };

    /** Whether the menu lists the other hosts' guests. */
    boolean shown();

    /**
     * Runs {@code verb} on the host holding {@code guest} and returns at once, never waiting for that host: the
     * answer comes back to the menu later, through the session ({@link GuestMenu#tell}).
     */
    void run(PeerGuest guest, String verb);
}
