package org.yucon.guest;

import java.time.Instant;

/**
 * A guest's state as of {@code since}, with a human detail such as why it stopped ("killed by signal 9").
 *
 * @param pid the UML process, or 0 when none runs
 */
public record GuestStatus(GuestState state, Instant since, String detail, long pid) {
    public static GuestStatus off() {
        return new GuestStatus(GuestState.OFF, Instant.now(), "", 0);
    }

    GuestStatus to(GuestState next, String why) {
        return new GuestStatus(next, Instant.now(), why, next.alive() ? pid : 0);
    }
}
