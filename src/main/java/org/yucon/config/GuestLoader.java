package org.yucon.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

/**
 * Reads one {@code guests/NAME.toml}. Everything that can be checked without booting is checked here, so a guest
 * that loads has a chance to boot; what only the host can tell at boot (a missing image, a missing bridge) is
 * checked by the supervisor and the keeper. Used by the one loading thread.
 */
final class GuestLoader {
    private static final long MIB = 1 << 20;
    /** Linux interface names: at most 15 bytes (IFNAMSIZ - 1), no '/' or blanks. */
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern MAC = Pattern.compile("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,6})%");
    private static final Pattern RUNLEVEL = Pattern.compile("[1-5]|single");
    /** QEMU's prefix, locally administered: a default MAC that collides with no vendor's. */
    private static final String MAC_PREFIX = "52:54:00";
    private static final Duration DEFAULT_AUTOSTART_DELAY = Duration.ofSeconds(5);
    /**
     * A healthy boot opens its mconsole within about 1.2 s here, 4.7 s at the slowest with the host loaded (AMD EPYC,
     * 2 CPUs, load 19); a hung one never does. Stretched for a guest capped below one CPU (see {@link #defaultBootTimeout}).
     */
    private static final Duration DEFAULT_BOOT_TIMEOUT = Duration.ofSeconds(20);

    private final POSIX posix = POSIXFactory.getNativePOSIX();

    /**
     * The guests that loaded, by name; the names of all guest files, loaded or not (accounts may name a guest whose
     * file has an error); and one sentence per file that did not load.
     */
    record Loaded(SortedMap<String, GuestConfig> guests, Set<String> named, List<String> errors) {
    }

    /** Every {@code *.toml} of dir in name order; a guest whose file fails is skipped and its error kept. */
    Loaded loadAll(Path dir) throws ConfigException {
        SortedMap<String, GuestConfig> guests = new TreeMap<>();
        Set<String> named = new HashSet<>();
        List<String> errors = new ArrayList<>();
        // What two guests must not share (one UML directory, one tap, one MAC on a bridge), and who took it first.
        Map<String, Path> claims = new HashMap<>();
        for (Path file : ConfigLoader.tomlFiles(dir)) {
            try {
                String name = ConfigLoader.nameOf(file);
                named.add(name);
                GuestConfig guest = load(file, name, ConfigLoader.open(file));
                claim(claims, guest);
                guests.put(name, guest);
            } catch (ConfigException e) {
                errors.add(e.getMessage());
            }
        }
        return new Loaded(guests, named, errors);
    }

    private static void claim(Map<String, Path> claims, GuestConfig guest) throws ConfigException {
        List<String> wanted = new ArrayList<>();
        wanted.add("umid '" + guest.umid() + "'");
        guest.network().ifPresent(n -> {
            wanted.add("tap '" + n.tap() + "'");
            wanted.add("MAC " + n.mac());
        });
        for (String thing : wanted) {
            Path other = claims.get(thing);
            if (other != null) {
                throw new ConfigException(guest.file(), 0, thing + " is also used by " + other);
            }
        }
        wanted.forEach(thing -> claims.put(thing, guest.file()));
    }

    GuestConfig load(Path file, String name, TomlSection root) throws ConfigException {
        String umid = root.string("umid").orElse(name);
        if (!ConfigLoader.NAME.matcher(umid).matches()) {
            throw root.error("umid", "is \"" + umid + "\", must be lower-case letters, digits, '-' or '_' (at most 32), starting with a letter");
        }
        Optional<Path> kernel = root.path("kernel");
        long memory = root.size("memory", 128 * MIB, 16 * MIB, 64L << 30);
        GuestConfig.Boot boot = boot(root);
        List<GuestConfig.Disk> disks = disks(root, "disk");
        if (disks.isEmpty()) {
            throw new ConfigException(file, 0, "a guest needs at least one [[disk]] with an image (its root)");
        }
        List<GuestConfig.Swap> swaps = swaps(root);
        List<GuestConfig.Disk> hotplug = disks(root, "hotplug");
        Optional<GuestConfig.HostDir> hostfs = hostfs(root);
        Optional<GuestConfig.Network> network = network(root, name);
        GuestConfig.HostSide host = hostSide(root, memory);
        GuestConfig.Autostart autostart = autostart(root);
        Duration shutdown = root.duration("shutdown_timeout", Duration.ofSeconds(30), Duration.ofHours(1));
        Duration bootTimeout = root.duration("boot_timeout", defaultBootTimeout(host), Duration.ofHours(1));
        RestartPolicy restart = restart(root);
        LogSettings log = log(root.sectionOrEmpty("log"));
        Set<String> watchers = new HashSet<>(root.strings("read_only"));
        for (String watcher : watchers) {
            if (!ConfigLoader.NAME.matcher(watcher).matches()) {
                throw root.error("read_only", "names \"" + watcher + "\", which is not an account name");
            }
        }
        root.rejectUnknownKeys();
        GuestConfig guest = new GuestConfig(name, umid, kernel, memory, boot, disks, swaps, hostfs, network, host,
                autostart, shutdown, bootTimeout, restart, log, Set.copyOf(watchers), hotplug, file);
        rejectPathsOutsideJail(root, guest);
        return guest;
    }

    private static LogSettings log(TomlSection section) throws ConfigException {
        LogSettings d = LogSettings.defaults();
        LogSettings log = new LogSettings(section.bool("enabled", d.enabled()),
                section.size("rotate_size", d.rotateBytes(), 64 << 10, 1L << 40),
                (int) section.integer("keep", d.keep(), 0, 1000),
                section.duration("mark", d.mark(), Duration.ofDays(1)));
        section.rejectUnknownKeys();
        return log;
    }

    private static GuestConfig.Boot boot(TomlSection root) throws ConfigException {
        Optional<String> runlevel = root.scalar("runlevel");
        if (runlevel.isPresent() && !RUNLEVEL.matcher(runlevel.get()).matches()) {
            throw root.error("runlevel", "is " + runlevel.get() + ", must be a number from 1 to 5 or \"single\"");
        }
        return new GuestConfig.Boot(runlevel, root.path("initrd"), root.strings("kernel_args"));
    }

    /** {@code [[disk]]} (attached at boot) or {@code [[hotplug]]} (plugged by an admin while the guest runs). */
    private static List<GuestConfig.Disk> disks(TomlSection root, String key) throws ConfigException {
        List<GuestConfig.Disk> disks = new ArrayList<>();
        for (TomlSection disk : root.sections(key)) {
            Path image = disk.path("image").orElseThrow(() -> disk.missing("image"));
            // A host device passed through is a disk whose image is a block device; a typo there is not a file to create.
            if (image.startsWith("/dev") && !Files.exists(image)) {
                throw disk.error("image", "is " + image + ", which does not exist on this host");
            }
            Optional<Path> cow = disk.path("cow");
            boolean readOnly = disk.bool("readonly", false);
            if (readOnly && cow.isPresent()) {
                throw disk.error("cow", "is set on a read-only disk; UML opens a read-only image as it is, so drop one of them");
            }
            disk.rejectUnknownKeys();
            disks.add(new GuestConfig.Disk(image, cow, readOnly));
        }
        return disks;
    }

    private static List<GuestConfig.Swap> swaps(TomlSection root) throws ConfigException {
        List<GuestConfig.Swap> swaps = new ArrayList<>();
        for (TomlSection swap : root.sections("swap")) {
            Path file = swap.path("file").orElseThrow(() -> swap.missing("file"));
            if (!swap.has("size")) {
                throw swap.missing("size");
            }
            // mkswap needs ten pages; beyond 64 GiB a typo is likelier than a wish.
            long bytes = swap.size("size", 0, MIB, 64L << 30);
            swap.rejectUnknownKeys();
            swaps.add(new GuestConfig.Swap(file, bytes));
        }
        return swaps;
    }

    private static Optional<GuestConfig.HostDir> hostfs(TomlSection root) throws ConfigException {
        Optional<TomlSection> section = root.section("hostfs",
                "must be one table [hostfs]: UML takes a single hostfs= directory (mount subdirectories inside the guest)");
        if (section.isEmpty()) {
            return Optional.empty();
        }
        TomlSection hostfs = section.get();
        Path dir = hostfs.path("dir").orElseThrow(() -> hostfs.missing("dir"));
        if (!Files.isDirectory(dir)) {
            throw hostfs.error("dir", "is " + dir + ", which is not a directory");
        }
        boolean readOnly = hostfs.bool("readonly", true);
        hostfs.rejectUnknownKeys();
        return Optional.of(new GuestConfig.HostDir(dir, readOnly));
    }

    private static Optional<GuestConfig.Network> network(TomlSection root, String name) throws ConfigException {
        Optional<TomlSection> section = root.section("network");
        if (section.isEmpty()) {
            return Optional.empty();
        }
        TomlSection network = section.get();
        String bridge = network.requiredString("bridge");
        if (!INTERFACE.matcher(bridge).matches()) {
            throw network.error("bridge", "is \"" + bridge + "\", must be an interface name: at most 15 letters, digits, '.', '-' or '_'");
        }
        String tap = network.string("tap").orElse("yc-" + name);
        if (!INTERFACE.matcher(tap).matches()) {
            String problem = "must be an interface name: at most 15 letters, digits, '.', '-' or '_'";
            throw network.has("tap") ? network.error("tap", "is \"" + tap + "\", " + problem)
                    : network.error("bridge", "needs a 'tap' name: the default \"" + tap + "\" is longer than 15 characters");
        }
        String mac = network.string("mac").orElse(defaultMac(name)).toLowerCase();
        if (!MAC.matcher(mac).matches()) {
            throw network.error("mac", "is \"" + mac + "\", must be six hex pairs such as \"52:54:00:12:34:56\"");
        }
        if ((Integer.parseInt(mac.substring(0, 2), 16) & 1) != 0) {
            throw network.error("mac", "is \"" + mac + "\", a multicast address; the first byte must be even");
        }
        network.rejectUnknownKeys();
        return Optional.of(new GuestConfig.Network(bridge, tap, mac));
    }

    /** Stable across restarts and hosts, different for different names. */
    static String defaultMac(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return MAC_PREFIX + ":" + HexFormat.ofDelimiter(":").formatHex(hash, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private GuestConfig.HostSide hostSide(TomlSection root, long memory) throws ConfigException {
        Optional<String> user = root.string("user");
        if (user.isPresent()) {
            Passwd entry = posix.getpwnam(user.get());
            if (entry == null) {
                throw root.error("user", "names \"" + user.get() + "\", who is not a user of this host");
            }
            if (entry.getUID() == 0) {
                throw root.error("user", "names \"" + user.get() + "\", which is root; leave it out to run as the keeper's user");
            }
        }
        Optional<Path> jail = root.path("jail");
        if (jail.isPresent() && !Files.isDirectory(jail.get())) {
            throw root.error("jail", "is " + jail.get() + ", which is not a directory");
        }
        TomlSection limits = root.sectionOrEmpty("limits");
        int nice = (int) limits.integer("nice", 0, -20, 19);
        OptionalInt cpu = percent(limits, "cpu");
        OptionalLong memoryMax = optionalSize(limits, "memory_max", memory, 1L << 40);
        OptionalLong readBps = optionalSize(limits, "io_read_bps", 4096, 1L << 40);
        OptionalLong writeBps = optionalSize(limits, "io_write_bps", 4096, 1L << 40);
        limits.rejectUnknownKeys();
        return new GuestConfig.HostSide(user, jail, nice, cpu, memoryMax, readBps, writeBps);
    }

    private static OptionalInt percent(TomlSection section, String key) throws ConfigException {
        Optional<String> text = section.string(key);
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        Matcher m = PERCENT.matcher(text.get().trim());
        int percent = m.matches() ? Integer.parseInt(m.group(1)) : 0;
        if (percent < 1 || percent > 100_000) {
            throw section.error(key, "is \"" + text.get() + "\", must be a share of one CPU such as \"50%\" or \"200%\"");
        }
        return OptionalInt.of(percent);
    }

    private static OptionalLong optionalSize(TomlSection section, String key, long min, long max) throws ConfigException {
        return section.has(key) ? OptionalLong.of(section.size(key, 0, min, max)) : OptionalLong.empty();
    }

    /** A UML capped at a share of one CPU boots that much slower: the default bound grows by as much. */
    static Duration defaultBootTimeout(GuestConfig.HostSide host) {
        int percent = host.cpuPercent().orElse(100);
        return percent >= 100 ? DEFAULT_BOOT_TIMEOUT : DEFAULT_BOOT_TIMEOUT.multipliedBy(100).dividedBy(percent);
    }

    private static GuestConfig.Autostart autostart(TomlSection root) throws ConfigException {
        boolean enabled = root.bool("autostart", false);
        int order = (int) root.integer("autostart_order", 0, 0, 1_000_000);
        Duration delay = root.duration("autostart_delay", DEFAULT_AUTOSTART_DELAY, Duration.ofHours(1));
        return new GuestConfig.Autostart(enabled, order, delay);
    }

    private static RestartPolicy restart(TomlSection root) throws ConfigException {
        String text = root.string("restart").orElse("never");
        RestartPolicy.When when;
        switch (text) {
            case "never": when = RestartPolicy.When.NEVER; break;
            case "on-crash": when = RestartPolicy.When.ON_CRASH; break;
            case "always": when = RestartPolicy.When.ALWAYS; break;
            default: throw root.error("restart", "is \"" + text + "\", must be \"never\", \"on-crash\" or \"always\"");
        }
        int max = (int) root.integer("restart_max", 3, 1, 100);
        Duration window = root.duration("restart_window", Duration.ofMinutes(1), Duration.ofDays(1));
        return new RestartPolicy(when, max, window);
    }

    /**
     * A jailed UML sees the jail as its root, so whatever it opens must be inside; the command line names the paths
     * relative to the jail. (The kernel is checked at boot: it may be the gateway's.)
     */
    private static void rejectPathsOutsideJail(TomlSection root, GuestConfig guest) throws ConfigException {
        if (guest.host().jail().isEmpty()) {
            return;
        }
        Path jail = guest.host().jail().get();
        List<Path> paths = new ArrayList<>();
        guest.kernel().ifPresent(paths::add);
        guest.boot().initrd().ifPresent(paths::add);
        for (GuestConfig.Disk disk : guest.disks()) {
            paths.add(disk.image());
            disk.cow().ifPresent(paths::add);
        }
        guest.swaps().forEach(swap -> paths.add(swap.file()));
        guest.hostfs().ifPresent(hostfs -> paths.add(hostfs.dir()));
        for (Path path : paths) {
            if (!path.startsWith(jail)) {
                throw root.error("jail", "is " + jail + ", but " + path + " is outside it, where the jailed UML cannot open it");
            }
        }
    }
}
