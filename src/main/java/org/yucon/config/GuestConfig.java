package org.yucon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One guest, from {@code etc/guests/NAME.toml}.
 *
 * @param name            the guest's name, which is also the SSH login that reaches it
 * @param umid            UML's unique id (mconsole socket directory), the name unless set
 * @param kernel          a kernel for this guest only
 * @param memoryBytes     guest memory ({@code mem=})
 * @param boot            runlevel, initrd and extra kernel arguments
 * @param disks           block devices in order: the first is ubd0, the root
 * @param swaps           swap files, the ubd devices after the disks
 * @param hostfs          the host directory the guest may mount with {@code mount -t hostfs}
 * @param network         the guest's one network interface, if it has one
 * @param host            how the UML runs on the host: user, jail, nice and cgroup limits
 * @param autostart       whether and when the gateway boots it at start
 * @param shutdownTimeout how long a graceful shutdown may take before the guest is halted
 * @param bootTimeout     how long a boot may go without the guest's mconsole before it counts as hung and is killed
 *                        (then booted once more); zero: never
 * @param restart         whether it boots again when it stops or crashes by itself
 * @param log             how its console log is kept
 * @param watchers        accounts that may watch its console and see its state, never type or act on it
 *                        (conserver's {@code ro})
 * @param hotplug         disks an admin may plug into the running guest and unplug, after its disks and swaps
 * @param file            where it was read from, for messages
 */
public record GuestConfig(String name, String umid, Optional<Path> kernel, long memoryBytes, Boot boot,
                          List<Disk> disks, List<Swap> swaps, Optional<HostDir> hostfs, Optional<Network> network,
                          HostSide host, Autostart autostart, Duration shutdownTimeout, Duration bootTimeout,
                          RestartPolicy restart,
                          LogSettings log, Set<String> watchers, List<Disk> hotplug, Path file) {

    /**
     * What the kernel is told besides its devices.
     *
     * @param runlevel   "1" .. "5" or "single", handed to init
     * @param initrd     an initial ramdisk image
     * @param kernelArgs appended to the kernel command line
     */
    public record Boot(Optional<String> runlevel, Optional<Path> initrd, List<String> kernelArgs) {
        public Boot {
            kernelArgs = List.copyOf(kernelArgs);
        }

        public static Boot plain() {
            return new Boot(Optional.empty(), Optional.empty(), List.of());
        }
    }

    /**
     * A disk image (or a host block device) and, when the image is shared, this guest's copy-on-write file over it.
     * A read-only disk has no COW file: UML opens the image read-only ({@code ubdNr=}).
     */
    public record Disk(Path image, Optional<Path> cow, boolean readOnly) {
    }

    /** A swap file of {@code bytes}, created sparse (and given a swap signature) when it does not exist. */
    public record Swap(Path file, long bytes) {
    }

    /** The directory behind {@code hostfs=}; read-only is enforced on the host, not left to the guest. */
    public record HostDir(Path dir, boolean readOnly) {
    }

    /** A tap device the keeper creates and enslaves to the bridge, seen by the guest as {@code vec0} with this MAC. */
    public record Network(String bridge, String tap, String mac) {
    }

    /**
     * How the UML process runs on the host.
     *
     * @param user        an unprivileged host user to run as instead of the keeper's (root)
     * @param jail        a directory to chroot into; every path the UML opens must lie inside it
     * @param nice        the UML's nice value
     * @param cpuPercent  CPU cap in percent of one CPU (150 = one and a half)
     * @param memoryMax   cap of the UML's host memory (its guest memory plus the kernel's own)
     * @param readBps     read limit in bytes per second on the device holding the disks
     * @param writeBps    write limit in bytes per second on that device
     */
    public record HostSide(Optional<String> user, Optional<Path> jail, int nice, OptionalInt cpuPercent,
                           OptionalLong memoryMax, OptionalLong readBps, OptionalLong writeBps) {
        public static HostSide unconfined() {
            return new HostSide(Optional.empty(), Optional.empty(), 0, OptionalInt.empty(), OptionalLong.empty(),
                    OptionalLong.empty(), OptionalLong.empty());
        }
    }

    /** Booted when the gateway starts, lowest order first, each {@code delay} after the one before. */
    public record Autostart(boolean enabled, int order, Duration delay) {
        public static Autostart off() {
            return new Autostart(false, 0, Duration.ZERO);
        }
    }

    public GuestConfig {
        disks = List.copyOf(disks);
        swaps = List.copyOf(swaps);
    }
}
