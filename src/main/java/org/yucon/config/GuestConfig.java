package org.yucon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One guest, from {@code etc/guests/NAME.toml}.
 *
 * @param name            the guest's name, which is also the SSH login that reaches it
 * @param umid            UML's unique id (mconsole socket directory), the name unless set
 * @param kernel          a kernel for this guest only
 * @param memoryBytes     guest memory ({@code mem=})
 * @param disks           block devices in order: the first is ubd0, the root
 * @param kernelArgs      extra arguments appended to the kernel command line
 * @param shutdownTimeout how long a graceful shutdown may take before the guest is halted
 * @param restart         whether it boots again when it stops or crashes by itself
 * @param file            where it was read from, for messages
 */
public record GuestConfig(String name, String umid, Optional<Path> kernel, long memoryBytes, List<Disk> disks,
                          List<String> kernelArgs, Duration shutdownTimeout, RestartPolicy restart, Path file) {

    /** A disk image and, when the image is shared, this guest's copy-on-write file over it. */
    public record Disk(Path image, Optional<Path> cow) {
    }

    public GuestConfig {
        disks = List.copyOf(disks);
        kernelArgs = List.copyOf(kernelArgs);
    }
}
