package org.yucon.control;

import java.time.Instant;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestStatus;
import org.yucon.guest.GuestSupervisor;

/**
 * One guest's status as every front shows it: the {@code status} verb's line, its {@code --json} object, a web row.
 *
 * @param detail  why it is in its state, e.g. "killed by signal 9"; empty when nothing needs saying
 * @param pid     the UML process, or 0 when none runs
 * @param viewers how many are attached to its console
 */
public record GuestRow(String guest, GuestState state, String detail, Instant since, long pid, int viewers) {
    public static GuestRow of(GuestSupervisor guest) {
        GuestStatus s = guest.status();
        return new GuestRow(guest.name(), s.state(), s.detail(), s.since(), s.pid(), guest.console().viewerCount());
    }

    /** The state as one lower-case word: off, booting, running, stopping, crashed. */
    public String stateWord() {
        return state.name().toLowerCase();
    }
}
