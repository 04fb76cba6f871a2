package org.yucon.keeper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup controllers this host offers for CPU, memory and I/O limits, and where: cgroup v2 (at
 * {@code /sys/fs/cgroup}, or {@code /sys/fs/cgroup/unified} on hybrid hosts) where it has the controller, else the
 * v1 hierarchy of that controller. Hosts differ: these machines have v1 {@code cpu}, {@code memory} and {@code blkio}
 * and a v2 mount without those controllers. Immutable after detection.
 */
final class Cgroups {
    /** The three limits, each with its v2 controller and v1 hierarchy names. */
    enum Controller {
        CPU("cpu", "cpu"), MEMORY("memory", "memory"), IO("io", "blkio");

        final String v2;
        final String v1;

        Controller(String v2, String v1) {
            this.v2 = v2;
            this.v1 = v1;
        }
    }

    /** Where one controller lives: its hierarchy's root and whether it is the unified (v2) one. */
    record Hierarchy(Path root, boolean unified) {
    }

    private final Path fs;
    private final Optional<Path> v2;
    private final Set<String> v2Controllers;

    private Cgroups(Path fs, Optional<Path> v2, Set<String> v2Controllers) {
        this.fs = fs;
        this.v2 = v2;
        this.v2Controllers = v2Controllers;
    }

    static Cgroups detect(Path fs) {
        for (Path candidate : List.of(fs, fs.resolve("unified"))) {
            Path controllers = candidate.resolve("cgroup.controllers");
            if (Files.isReadable(controllers)) {
                try {
                    Set<String> names = Set.of(Files.readString(controllers).trim().split("\\s+"));
                    return new Cgroups(fs, Optional.of(candidate), names);
                } catch (IOException e) {
                    // unreadable after all: as if there were no v2 mount, the v1 hierarchies may still serve
                }
            }
        }
        return new Cgroups(fs, Optional.empty(), Set.of());
    }

    /** Where the controller can be used on this host, if anywhere. */
    Optional<Hierarchy> hierarchy(Controller controller) {
        if (v2.isPresent() && v2Controllers.contains(controller.v2)) {
            return Optional.of(new Hierarchy(v2.get(), true));
        }
        // On a pure v2 host fs itself is the v2 root, and a directory fs/cpu would be a group, not a hierarchy.
        boolean hybrid = !v2.map(fs::equals).orElse(false);
        Path v1 = fs.resolve(controller.v1);
        return hybrid && Files.isRegularFile(v1.resolve("cgroup.procs"))
                ? Optional.of(new Hierarchy(v1, false)) : Optional.empty();
    }

    /**
     * Creates {@code yucon/NAME} in the hierarchy; in v2 the controller must first be enabled for the children of
     * the root and of {@code yucon}.
     */
    static Path create(Hierarchy hierarchy, Controller controller, String name) throws IOException {
        Path yucon = hierarchy.root().resolve("yucon");
        Files.createDirectories(yucon);
        if (hierarchy.unified()) {
            Files.writeString(hierarchy.root().resolve("cgroup.subtree_control"), "+" + controller.v2);
            Files.writeString(yucon.resolve("cgroup.subtree_control"), "+" + controller.v2);
        }
        Path group = yucon.resolve(name);
        Files.createDirectories(group);
        return group;
    }
}
