package org.yucon.guest;

/**
 * What a boot does with the keeper's answer, which comes back with the supervisor's monitor free: by then the run may
 * have been asked to stop, or its UML may have exited already (the keeper link's reader reports exits as they come).
 */
enum SpawnVerdict {
    /** Still booting: the run takes the pid and is watched until its kernel is ready. */
    KEEP,
    /** Shutdown, halt or reboot was asked while the keeper started it: the new UML is stopped at once. */
    STOP,
    /** The run is over already (its UML ended before the answer arrived), or another run began: the pid is nobody's. */
    GONE;

    /** Decided under the supervisor's monitor, from the run the boot began and the guest's state now. */
    static SpawnVerdict of(boolean sameRun, GuestState now) {
        if (!sameRun || !now.alive()) {
            return GONE;
        }
        return now == GuestState.BOOTING ? KEEP : STOP;
    }
}
