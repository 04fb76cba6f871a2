package org.yucon.keeper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup controllers this host offers for CPU, memory and I/O limits, and where: cgroup v2 (at
 * {@code /sys/fs/cgroup}, or {@code /sys/fs/cgroup/unified} on hybrid hosts) where it has the controller, else the
 * v1 hierarchy of that controller. Hosts differ: these machines have v1 {@code cpu}, {@code memory} and {@code blkio}
 * and a v2 mount without those controllers. Immutable after detection.
 *
 * <p>Where the guests' groups go: {@code yucon/NAME} at each hierarchy's root, or, when systemd delegated the
 * keeper's own cgroup to it ({@code Delegate=yes}, {@link #delegated}), under that cgroup, so that they belong to
 * the keeper's unit (its accounting, its limits, its stop) rather than float at the root.
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

    /** The leaf the keeper moves itself into under a delegated v2 cgroup, which may then have no processes itself. */
    static final String KEEPER_LEAF = "keeper";

    private final Path fs;
    private final Optional<Path> v2;
    private final Set<String> v2Controllers;
    /** The keeper's own cgroup per hierarchy ("" for v2, else the v1 controller's name) when delegated; else empty. */
    private final Map<String, String> own;

    private Cgroups(Path fs, Optional<Path> v2, Set<String> v2Controllers, Map<String, String> own) {
        this.fs = fs;
        this.v2 = v2;
        this.v2Controllers = v2Controllers;
        this.own = own;
    }

    /**
     * As {@link #detect}, with the guests' groups under the keeper's own cgroup as {@code procSelfCgroup} (the text
     * of /proc/self/cgroup) names it in each hierarchy. Under cgroup v2 a group with processes may not hand controllers
     * to its children, so the keeper ({@code pid}) first moves itself into the leaf {@value #KEEPER_LEAF}.
     */
    static Cgroups delegated(Path fs, String procSelfCgroup, long pid) throws IOException {
        Cgroups root = detect(fs);
        Map<String, String> own = new HashMap<>();
        for (String line : procSelfCgroup.split("\n")) {
            String[] fields = line.split(":", 3);
            if (fields.length == 3 && fields[2].startsWith("/")) {
                for (String controller : fields[1].split(",")) {
                    own.put(controller, fields[2]);
                }
            }
        }
        Cgroups delegated = new Cgroups(fs, root.v2, root.v2Controllers, Map.copyOf(own));
        if (root.v2.isPresent() && own.containsKey("")) {
            Path leaf = under(root.v2.get(), own.get("")).resolve(KEEPER_LEAF);
            Files.createDirectories(leaf);
            Files.writeString(leaf.resolve("cgroup.procs"), Long.toString(pid));
        }
        return delegated;
    }

    private static Path under(Path hierarchy, String cgroup) {
        return cgroup == null ? hierarchy : hierarchy.resolve(cgroup.substring(1));
    }

    static Cgroups detect(Path fs) {
        for (Path candidate : List.of(fs, fs.resolve("unified"))) {
            Path controllers = candidate.resolve("cgroup.controllers");
            if (Files.isReadable(controllers)) {
                try {
                    Set<String> names = Set.of(Files.readString(controllers).trim().split("\\s+"));
                    return new Cgroups(fs, Optional.of(candidate), names, Map.of());
                } catch (IOException e) {
                    // unreadable after all: as if there were no v2 mount, the v1 hierarchies may still serve
                }
            }
        }
        return new Cgroups(fs, Optional.empty(), Set.of(), Map.of());
    }

    /** Where the controller can be used on this host, if anywhere. */
    Optional<Hierarchy> hierarchy(Controller controller) {
        if (v2.isPresent() && v2Controllers.contains(controller.v2)) {
            return Optional.of(new Hierarchy(under(v2.get(), own.get("")), true));
        }
        // On a pure v2 host fs itself is the v2 root, and a directory fs/cpu would be a group, not a hierarchy.
        boolean hybrid = !v2.map(fs::equals).orElse(false);
        Path v1 = fs.resolve(controller.v1);
        return hybrid && Files.isRegularFile(v1.resolve("cgroup.procs"))
                ? Optional.of(new Hierarchy(under(v1, own.get(controller.v1)), false)) : Optional.empty();
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
