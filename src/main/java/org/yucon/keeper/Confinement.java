package org.yucon.keeper;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.yucon.config.GuestConfig;

/**
 * How the keeper starts one run of a guest besides its argv: as whom, where, how nice, in which cgroup, with which
 * tap, and which files that user must own. The gateway decides it; the keeper, which is root, carries it out.
 *
 * @param host        user, jail, nice and cgroup limits from the guest's configuration
 * @param readOnlyDir a hostfs directory to bind-mount read-only in the UML's own mount namespace
 * @param network     the tap to create before and delete after the run
 * @param diskFiles   the files behind the guest's disks: their device is the one I/O limits apply to
 * @param owned       paths to hand to the guest's user before the run (its UML directory, COW and swap files)
 */
public record Confinement(GuestConfig.HostSide host, Optional<Path> readOnlyDir, Optional<GuestConfig.Network> network,
                          List<Path> diskFiles, List<Path> owned) {
    public Confinement {
        diskFiles = List.copyOf(diskFiles);
        owned = List.copyOf(owned);
    }
}
