package org.yucon.keeper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jnr.posix.POSIX;
import jnr.posix.Passwd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.GuestConfig;
import org.yucon.util.OpenDir;
import org.yucon.util.Owner;

/**
 * What the host holds for one run of a guest, set up before its UML starts and removed when it has ended: the tap
 * (iproute2 only), the cgroup {@code yucon/NAME} in each hierarchy that has a wanted controller, and the guest's
 * files (UML directory, COW directories, swap files), made and given to its own user. {@link #wrap} puts the UML's
 * argv behind small programs that each exec the next, so the pid the keeper holds is the UML's own: join the cgroups,
 * a private mount namespace with the hostfs directory read-only, nice (the threads' and the session's), a fixed
 * address layout, then chroot or setpriv to the guest's user.
 *
 * <p>Made and closed by the spawning thread and the thread that reaps the run of a {@link KeptGuest}, one after the
 * other.
 */
final class GuestEnclosure implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GuestEnclosure.class);
    private static final long CPU_PERIOD_US = 100_000;
    private static final int IP_TIMEOUT_SECONDS = 10;
    /** A dead UML's children linger as zombies for about a second; its cgroup can only go after them. */
    private static final int RMDIR_TRIES = 30;

    /** Writes its own pid into each cgroup.procs given before "--", then execs the rest: no fork can escape. */
    private static final String JOIN_CGROUPS =
            "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 1; shift; done; shift; exec \"$@\"";
    /**
     * The UML without address space randomization, so that a guest has the memory it is given on every boot. UML
     * counts the gap between its end and its heap as physical memory ("Adding N bytes to physical memory to account
     * for exec-shield gap") and maps it with page structures from the guest's own memory; with the heap placed at
     * random (up to 1 GB away on x86-64) a 64 MB guest had 38-50 MB available, 53 MB without, and 48 MB guests failed
     * to boot now and then (out of memory before init, or an abort in setup). What randomization would hide is little:
     * Debian's linux.uml is not position-independent, so the UML's code and data, where a guest that breaks out would
     * look, lie at fixed addresses anyway (BENCHMARKS.md).
     */
    private static final List<String> FIXED_LAYOUT = List.of("/usr/bin/setarch", "--addr-no-randomize");
    /**
     * Nice for the UML's session as well as for its threads. pty4j starts each UML in a session of its own, and where
     * the kernel groups tasks by session (CONFIG_SCHED_AUTOGROUP, on in Debian's kernels) a thread's nice ranks it
     * only within that session: against the other guests and the gateway, each guest weighed as one task at nice 0
     * whatever its nice (BENCHMARKS.md). The autogroup's own nice is what counts there; a kernel without it has no
     * such file, and nice alone does the work.
     */
    private static final String NICE = "echo \"$1\" > /proc/self/autogroup 2>/dev/null; exec /usr/bin/nice -n \"$@\"";
    /** Runs in a mount namespace of its own, so the read-only view ends with the UML and nothing is left mounted. */
    private static final String READ_ONLY_BIND = "mount --bind -o ro \"$1\" \"$1\" || exit 1; shift; exec \"$@\"";

    private final String guest;
    private final Confinement confinement;
    private final Optional<Passwd> user;
    private final List<Path> groups = new ArrayList<>();
    private final List<String> unapplied = new ArrayList<>();
    private boolean tapCreated;

    private GuestEnclosure(String guest, Confinement confinement, Optional<Passwd> user) {
        this.guest = guest;
        this.confinement = confinement;
        this.user = user;
    }

    /** Sets everything up, or undoes what it did and fails with one sentence. */
    static GuestEnclosure prepare(String guest, Confinement confinement, Cgroups cgroups, POSIX posix) throws IOException {
        Optional<String> userName = confinement.host().user();
        Optional<Passwd> user = userName.map(posix::getpwnam);
        if (userName.isPresent() && user.get() == null) {
            throw new IOException(guest + "'s user " + userName.get() + " does not exist on this host");
        }
        GuestEnclosure enclosure = new GuestEnclosure(guest, confinement, user);
        try {
            enclosure.prepareFiles();
            enclosure.createTap();
            enclosure.limit(cgroups);
            return enclosure;
        } catch (IOException | RuntimeException e) {
            enclosure.close();
            throw e;
        }
    }

    /** The limits that this host could not apply, one sentence each, for the log and the guest's status. */
    List<String> unapplied() {
        return List.copyOf(unapplied);
    }

    List<String> wrap(List<String> argv) {
        GuestConfig.HostSide host = confinement.host();
        List<String> full = new ArrayList<>();
        if (!groups.isEmpty()) {
            full.addAll(List.of("/bin/sh", "-c", JOIN_CGROUPS, "yucon-cgroup"));
            groups.forEach(g -> full.add(g.resolve("cgroup.procs").toString()));
            full.add("--");
        }
        confinement.readOnlyDir().ifPresent(dir -> full.addAll(List.of("/usr/bin/unshare", "--mount",
                "--propagation", "private", "--", "/bin/sh", "-c", READ_ONLY_BIND, "yucon-hostfs", dir.toString())));
        if (host.nice() != 0) {
            full.addAll(List.of("/bin/sh", "-c", NICE, "yucon-nice", Integer.toString(host.nice())));
        }
        full.addAll(FIXED_LAYOUT);
        if (host.jail().isPresent()) {
            full.add("/usr/sbin/chroot");
            user.ifPresent(u -> full.add("--userspec=" + u.getUID() + ":" + u.getGID()));
            full.add(host.jail().get().toString());
        } else {
            user.ifPresent(u -> full.addAll(List.of("/usr/bin/setpriv", "--reuid=" + u.getUID(),
                    "--regid=" + u.getGID(), "--init-groups", "--")));
        }
        full.addAll(argv);
        return full;
    }

    /**
     * Makes what the guest's files need and gives them to its user, if it has one. Those files lie in directories that
     * user owns, so it may have put links or other files in their place: {@link OpenDir} follows none and refuses,
     * naming it, anything that is not the guest's own kind of file. Root acting on such a link by its name would give
     * the user the link's target (say /etc/passwd), or write a swap header into it.
     */
    private void prepareFiles() throws IOException {
        Optional<Owner> owner = user.map(u -> new Owner(u.getLoginName(), (int) u.getUID(), (int) u.getGID()));
        // The guest's user must pass through the directories made on the way to its files.
        int mode = owner.isPresent() ? OpenDir.PASSAGE : OpenDir.PRIVATE;
        try (OpenDir umlDir = OpenDir.make(confinement.umlDir(), mode)) {
            if (owner.isPresent()) {
                umlDir.handOver(owner.get());
            }
        }
        for (Path cow : confinement.cows()) {
            try (OpenDir.Place place = OpenDir.place(cow, mode)) {
                // UML creates a missing COW file itself, as the guest's user: it gets the directory if we made it.
                if (owner.isPresent() && !place.dir().handOver(place.name(), owner.get()) && place.dir().created()) {
                    place.dir().handOver(owner.get());
                }
            }
        }
        for (GuestConfig.Swap swap : confinement.swaps()) {
            try (OpenDir.Place place = OpenDir.place(swap.file(), mode)) {
                Owner to = owner.orElse(Owner.CREATOR);
                if (place.dir().create(place.name(), SwapFile.header(swap.bytes()), swap.bytes(), to)) {
                    log.info("{}: created the swap file {} ({} MiB, sparse)", guest, place.path(), swap.bytes() >> 20);
                } else if (owner.isPresent()) {
                    place.dir().handOver(place.name(), owner.get());
                }
            }
        }
    }

    private void createTap() throws IOException {
        if (confinement.network().isEmpty()) {
            return;
        }
        GuestConfig.Network net = confinement.network().get();
        // The tap is named for this guest, which is not running: one left by a killed keeper is ours to replace.
        if (Files.exists(Path.of("/sys/class/net", net.tap(), "tun_flags"))) {
            ip("link", "del", "dev", net.tap());
        }
        List<String> add = new ArrayList<>(List.of("tuntap", "add", "dev", net.tap(), "mode", "tap"));
        // A UML that is not root may only attach to a tap that its user owns.
        user.ifPresent(u -> add.addAll(List.of("user", Long.toString(u.getUID()), "group", Long.toString(u.getGID()))));
        ip(add.toArray(new String[0]));
        tapCreated = true;
        ip("link", "set", "dev", net.tap(), "master", net.bridge());
        ip("link", "set", "dev", net.tap(), "up");
    }

    private void limit(Cgroups cgroups) throws IOException {
        GuestConfig.HostSide host = confinement.host();
        if (host.cpuPercent().isPresent()) {
            long quota = host.cpuPercent().getAsInt() * CPU_PERIOD_US / 100;
            apply(cgroups, Cgroups.Controller.CPU, "CPU cap " + host.cpuPercent().getAsInt() + "%", (h, group) -> {
                if (h.unified()) {
                    Files.writeString(group.resolve("cpu.max"), quota + " " + CPU_PERIOD_US);
                } else {
                    Files.writeString(group.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
                    Files.writeString(group.resolve("cpu.cfs_quota_us"), Long.toString(quota));
                }
            });
        }
        if (host.memoryMax().isPresent()) {
            String bytes = Long.toString(host.memoryMax().getAsLong());
            apply(cgroups, Cgroups.Controller.MEMORY, "memory cap " + bytes + " bytes", (h, group) ->
                    Files.writeString(group.resolve(h.unified() ? "memory.max" : "memory.limit_in_bytes"), bytes));
        }
        if (host.readBps().isPresent() || host.writeBps().isPresent()) {
            limitIo(cgroups, host);
        }
    }

    private void limitIo(Cgroups cgroups, GuestConfig.HostSide host) throws IOException {
        Set<String> devices = new LinkedHashSet<>();
        for (Path file : confinement.diskFiles()) {
            String device = blockDevice(file);
            if (device == null) {
                unapplied.add("I/O limits on " + file + " not applied: it is on a filesystem without a block device");
            } else {
                devices.add(device);
            }
        }
        if (devices.isEmpty()) {
            return;
        }
        String rbps = host.readBps().isPresent() ? " rbps=" + host.readBps().getAsLong() : "";
        String wbps = host.writeBps().isPresent() ? " wbps=" + host.writeBps().getAsLong() : "";
        apply(cgroups, Cgroups.Controller.IO, "I/O limits", (h, group) -> {
            for (String device : devices) {
                if (h.unified()) {
                    Files.writeString(group.resolve("io.max"), device + rbps + wbps);
                    continue;
                }
                if (host.readBps().isPresent()) {
                    Files.writeString(group.resolve("blkio.throttle.read_bps_device"), device + " " + host.readBps().getAsLong());
                }
                if (host.writeBps().isPresent()) {
                    Files.writeString(group.resolve("blkio.throttle.write_bps_device"), device + " " + host.writeBps().getAsLong());
                }
            }
        });
    }

    private interface Setting {
        void write(Cgroups.Hierarchy hierarchy, Path group) throws IOException;
    }

    /** Creates the guest's group where the controller lives and writes the limit there, or says why it cannot. */
    private void apply(Cgroups cgroups, Cgroups.Controller controller, String what, Setting setting) {
        Optional<Cgroups.Hierarchy> hierarchy = cgroups.hierarchy(controller);
        if (hierarchy.isEmpty()) {
            unapplied.add(what + " not applied: this host has no " + controller.v2 + " cgroup controller (v2 or v1)");
            return;
        }
        try {
            Path group = Cgroups.create(hierarchy.get(), controller, guest);
            if (!groups.contains(group)) {
                groups.add(group);
            }
            setting.write(hierarchy.get(), group);
        } catch (IOException e) {
            unapplied.add(what + " not applied: " + e.getMessage());
        }
    }

    /** "MAJOR:MINOR" of the block device that holds file (or that file is), or null when there is none. */
    private static String blockDevice(Path file) throws IOException {
        boolean isDevice = (boolean) Files.getAttribute(file, "unix:isOther") && !Files.isRegularFile(file);
        long dev = (long) Files.getAttribute(file, isDevice ? "unix:rdev" : "unix:dev");
        // glibc's major()/minor() for the 64-bit dev_t
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        return major == 0 ? null : major + ":" + minor;
    }

    private static void ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/sbin/ip"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(IP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("`" + String.join(" ", command) + "` did not finish within " + IP_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                throw new IOException("`" + String.join(" ", command) + "` failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, e);
        } finally {
            process.destroyForcibly();
        }
    }

    /** Deletes the tap and the guest's cgroups; called once the UML and its children are gone. */
    @Override
    public void close() {
        if (tapCreated) {
            try {
                ip("link", "del", "dev", confinement.network().get().tap());
            } catch (IOException e) {
                log.warn("{}: the tap could not be removed: {}", guest, e.getMessage());
            }
        }
        groups.forEach(this::removeGroup);
    }

    private void removeGroup(Path group) {
        for (int i = 0; i < RMDIR_TRIES; i++) {
            try {
                Files.deleteIfExists(group);
                return;
            } catch (IOException e) {
                sleep();
            }
        }
        log.warn("{}: its cgroup {} is still busy; it stays", guest, group);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
