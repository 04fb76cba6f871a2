package org.yucon.keeper;

/**
 * What the keeper knows of one guest.
 *
 * @param pid      the running UML, or 0
 * @param lastExit the exit status of the last run (128 + signal for a signal), or -1 if none ended yet
 * @param end      how many console bytes the keeper has seen from this guest
 * @param stop     the shutdown a gateway began on the running UML, or {@link StopIntent#NONE}
 */
public record KeptStatus(String guest, long pid, int lastExit, long end, StopIntent stop) {
    /**
     * A shutdown under way, as the gateway that began it told the keeper.
     *
     * @param deadline when the guest is to be halted if it has not gone off by then (epoch milliseconds), 0 for none
     * @param thenBoot a graceful reboot: boot again once off
     */
    public record StopIntent(long deadline, boolean thenBoot) {
        public static final StopIntent NONE = new StopIntent(0, false);

        public boolean underWay() {
            return deadline != 0;
        }
    }
}
