package org.yucon.control;

import java.util.List;
import java.util.Optional;
import org.yucon.guest.CpuSampler;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.HostProcesses;
import org.yucon.guest.mconsole.GuestStats;
import org.yucon.guest.mconsole.MconsoleException;

/**
 * ps and top of one guest, as data: its processes as the host sees them, with CPU% since the last look, and the
 * guest's own figures from mconsole. Used by one viewer at a time (a menu's steps, a web request).
 */
public final class ProcessWatch {
    private final GuestSupervisor guest;
    private final CpuSampler sampler = new CpuSampler();

    /** What one look saw; {@code stats} is empty when the guest's mconsole does not answer. */
    public record Snapshot(GuestState state, List<CpuSampler.Row> rows, Optional<GuestStats> stats) {
    }

    ProcessWatch(GuestSupervisor guest) {
        this.guest = guest;
        // A first sample, so that the first look already has CPU% over a short interval.
        sampler.sample(HostProcesses.uml(guest.status().pid()), System.nanoTime());
    }

    public GuestSupervisor guest() {
        return guest;
    }

    /** Looks now: the guest's figures may come from mconsole, so this may wait for the guest (briefly). */
    public Snapshot look() {
        Optional<GuestStats> stats;
        try {
            stats = Optional.of(guest.stats());
        } catch (MconsoleException | IllegalArgumentException e) {
            stats = Optional.empty();
        }
        List<CpuSampler.Row> rows = sampler.sample(HostProcesses.uml(guest.status().pid()), System.nanoTime());
        return new Snapshot(guest.status().state(), rows, stats);
    }
}
