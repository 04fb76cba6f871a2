package org.yucon.keeper;

/**
 * What the keeper knows of one guest.
 *
 * @param pid      the running UML, or 0
 * @param lastExit the exit status of the last run (128 + signal for a signal), or -1 if none ended yet
 * @param end      how many console bytes the keeper has seen from this guest
 */
public record KeptStatus(String guest, long pid, int lastExit, long end) {
}
