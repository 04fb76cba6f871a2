package org.yucon.keeper;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.yucon.config.GuestConfig;

/**
 * How the keeper starts one run of a guest besides its argv: as whom, where, how nice, in which cgroup, with which
 * tap, and which files it prepares for that user. The gateway decides it; the keeper, which is root, carries it out.
 *
 * @param host        user, jail, nice and cgroup limits from the guest's configuration
 * @param readOnlyDir a hostfs directory to bind-mount read-only in the UML's own mount namespace
 * @param network     the tap to create before and delete after the run
 * @param diskFiles   the files behind the guest's disks: their device is the one I/O limits apply to
 * @param umlDir      where UML keeps {@code UMID/}: made if missing, and the guest's user's
 * @param cows        the guest's COW files: each one's directory is made (and given to the user) if missing, the file
 *                    given to the user if it is there (UML creates a missing one itself)
 * @param swaps       the guest's swap files: created if missing, given to the user
 */
public record Confinement(GuestConfig.HostSide host, Optional<Path> readOnlyDir, Optional<GuestConfig.Network> network,
                          List<Path> diskFiles, Path umlDir, List<Path> cows, List<GuestConfig.Swap> swaps) {
    public Confinement {
        diskFiles = List.copyOf(diskFiles);
        cows = List.copyOf(cows);
        swaps = List.copyOf(swaps);
    }
}
