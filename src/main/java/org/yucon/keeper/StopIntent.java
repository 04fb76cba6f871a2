package org.yucon.keeper;

/**
 * A shutdown under way, as the gateway that began it told the keeper: kept with the run, so that a gateway started
 * after that one died carries it on.
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
