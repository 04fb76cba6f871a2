package org.yucon.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.yucon.control.HostFacts;

/**
 * Reads and validates an {@code etc} directory: {@code yucon.toml}, {@code guests/*.toml}, {@code accounts/*.toml}.
 * The single gate for configuration: whatever it returns is consistent; whatever is wrong is reported as one
 * {@link ConfigException} naming file and line.
 */
public final class ConfigLoader {
    /** Guest and account names end up in logins, file names and UML umids: keep them plain. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Pattern CRYPT_SHA512 = Pattern.compile("\\$6\\$(rounds=\\d+\\$)?[./0-9A-Za-z]{1,16}\\$[./0-9A-Za-z]{86}");
    private static final long MIB = 1 << 20;
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\]");
    private static final Pattern FLEET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,62}");
    private static final Pattern STARTUPS = Pattern.compile("(\\d{1,7})(?::(\\d{1,3}):(\\d{1,7}))?");

    private final Path etc;

    public ConfigLoader(Path etc) {
        this.etc = etc;
    }

    public Configuration load() throws ConfigException {
        Path main = etc.resolve("yucon.toml");
        GatewaySettings gateway = gateway(open(main));
        // A bad guest file costs that guest only: the others and every account load, and its error is reported.
        GuestLoader.Loaded guests = new GuestLoader().loadAll(guestsDir());
        Map<String, AccountConfig> accounts = loadAccounts(guests.named(), gateway.console().escapeKey());
        return new Configuration(etc, gateway, guests.guests(), accounts, guests.errors());
    }

    public Path accountsDir() {
        return etc.resolve("accounts");
    }

    public Path guestsDir() {
        return etc.resolve("guests");
    }

    /** The guests read again, for a running gateway: those that load, and one sentence per file that did not. */
    public GuestFiles loadGuests() throws ConfigException {
        GuestLoader.Loaded loaded = new GuestLoader().loadAll(guestsDir());
        return new GuestFiles(loaded.guests(), loaded.errors());
    }

    /** Guests read from their files, and the files that did not load. */
    public record GuestFiles(SortedMap<String, GuestConfig> guests, List<String> errors) {
    }

    /** The names of all guest files, loaded or not: what accounts may name. */
    Set<String> guestNames() throws ConfigException {
        return new GuestLoader().loadAll(guestsDir()).named();
    }

    /**
     * The accounts alone, checked against the guests they may name, with the gateway's escape key for those
     * that set none; for reloading them while the gateway runs.
     */
    public Map<String, AccountConfig> loadAccounts(Set<String> guests, byte gatewayEscape) throws ConfigException {
        Map<String, AccountConfig> accounts = new HashMap<>();
        // In a fleet an account may name a guest of another host: the fleet shares its account files.
        Path main = etc.resolve("yucon.toml");
        boolean fleet = Files.exists(main) && gateway(open(main)).fleet().isFleet();
        for (Path file : tomlFiles(accountsDir())) {
            AccountConfig account = account(file, guests, fleet, gatewayEscape);
            accounts.put(account.name(), account);
        }
        return accounts;
    }

    private GatewaySettings gateway(TomlSection root) throws ConfigException {
        TomlSection ssh = root.sectionOrEmpty("ssh");
        String listen = ssh.string("listen").orElse("127.0.0.1");
        int port = (int) ssh.integer("port", 2222, 1, 65535);
        Path hostKeys = ssh.path("host_keys").orElse(etc.toAbsolutePath().resolveSibling("hostkeys"));
        ssh.rejectUnknownKeys();

        TomlSection paths = root.sectionOrEmpty("paths");
        Path state = paths.path("state").orElse(etc.toAbsolutePath().resolveSibling("state"));
        Optional<Path> kernel = paths.path("kernel");
        paths.rejectUnknownKeys();

        ConsoleSettings console = console(root.sectionOrEmpty("console"));
        LoginLimits limits = limits(root.sectionOrEmpty("limits"));
        WebSettings web = web(root.sectionOrEmpty("web"));
        MetricsSettings metrics = metrics(root.sectionOrEmpty("metrics"));
        RecordingSettings recording = recording(root.sectionOrEmpty("recording"));
        FleetSettings fleet = fleet(root);
        int bootsAtOnce = bootsAtOnce(root.sectionOrEmpty("boot"));
        root.rejectUnknownKeys();
        return new GatewaySettings(listen, port, hostKeys, state, kernel, console, limits, web, metrics, recording, fleet,
                bootsAtOnce);
    }

    /**
     * {@code [boot] at_once}: 0, the default, is four per CPU of the host. On 2 CPUs, 8 at once cut {@code status}'s
     * p99 while 100 guests booted to 100-180 ms from 280-380 with no limit, and all ran nearly as soon; 4 at once
     * took half again as long (BENCHMARKS.md).
     */
    private static int bootsAtOnce(TomlSection section) throws ConfigException {
        int atOnce = (int) section.integer("at_once", 0, 0, 10_000);
        section.rejectUnknownKeys();
        return atOnce > 0 ? atOnce : 4 * Runtime.getRuntime().availableProcessors();
    }

    private static WebSettings web(TomlSection section) throws ConfigException {
        boolean enabled = section.bool("enabled", true);
        String listen = section.string("listen").orElse("127.0.0.1");
        int port = (int) section.integer("port", 8443, 0, 65535);
        Optional<Path> certificate = section.path("certificate");
        Optional<Path> key = section.path("key");
        if (certificate.isPresent() != key.isPresent()) {
            throw section.error(certificate.isPresent() ? "certificate" : "key",
                    "needs its pair: give both certificate and key (PEM files), or neither for a self-signed certificate");
        }
        Duration idle = section.duration("idle_timeout", WebSettings.IDLE_TIMEOUT, Duration.ofDays(7));
        if (idle.isZero()) {
            throw section.error("idle_timeout", "must be more than 0: a page session that never expires is refused");
        }
        List<String> hosts = section.has("host_names") ? section.strings("host_names") : WebSettings.HOST_NAMES;
        if (hosts.isEmpty()) {
            throw section.error("host_names", "is empty: name at least one host name the page is reached by");
        }
        for (String host : hosts) {
            if (!HOST_NAME.matcher(host).matches()) {
                throw section.error("host_names", "names \"" + host + "\", which is not a host name or address "
                        + "(letters, digits, '-', '.', or an IPv6 address in brackets; no port)");
            }
        }
        section.rejectUnknownKeys();
        return new WebSettings(enabled, listen, port, certificate, key, idle, hosts);
    }

    /** {@code [fleet] name} (the machine's host name unless set) and the {@code [[peer]]} tables. */
    private static FleetSettings fleet(TomlSection root) throws ConfigException {
        TomlSection fleet = root.sectionOrEmpty("fleet");
        String name = fleet.string("name").orElse(HostFacts.read().hostName());
        if (!FLEET_NAME.matcher(name).matches()) {
            throw fleet.error("name", "is \"" + name + "\", must be a host name (letters, digits, '-', '.')");
        }
        fleet.rejectUnknownKeys();
        List<FleetSettings.Peer> peers = new ArrayList<>();
        for (TomlSection section : root.sections("peer")) {
            FleetSettings.Peer peer = peer(section);
            if (peer.name().equals(name) || peers.stream().anyMatch(p -> p.name().equals(peer.name()))) {
                throw section.error("name", "is \"" + peer.name() + "\", which names this host or another [[peer]]");
            }
            peers.add(peer);
        }
        return new FleetSettings(name, peers);
    }

    private static FleetSettings.Peer peer(TomlSection section) throws ConfigException {
        String name = section.string("name").orElseThrow(() -> section.error("name", "is missing: name the peer's host"));
        if (!FLEET_NAME.matcher(name).matches()) {
            throw section.error("name", "is \"" + name + "\", must be a host name (letters, digits, '-', '.')");
        }
        String address = section.string("address").orElseThrow(() -> section.error("address", "is missing: where the peer's gateway listens"));
        if (!HOST_NAME.matcher(address).matches()) {
            throw section.error("address", "is \"" + address + "\", which is not a host name or address");
        }
        int port = (int) section.integer("port", 2222, 1, 65535);
        String key = section.string("host_key").orElseThrow(() -> section.error("host_key",
                "is missing: pin the peer's host key, its line from `yucon hostkeys` (\"ssh-ed25519 AAAA...\")"));
        PublicKey hostKey;
        try {
            hostKey = PublicKeyEntry.parsePublicKeyEntry(key.strip()).resolvePublicKey(null, null, null);
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw section.error("host_key", "is not an OpenSSH public key line (\"ssh-ed25519 AAAA...\")");
        }
        section.rejectUnknownKeys();
        return new FleetSettings.Peer(name, address, port, hostKey);
    }

    private static MetricsSettings metrics(TomlSection section) throws ConfigException {
        String listen = section.string("listen").orElse("");
        section.rejectUnknownKeys();
        MetricsSettings metrics = MetricsSettings.parse(listen);
        if (metrics == null) {
            throw section.error("listen", "must be a port (on 127.0.0.1) or ADDRESS:PORT, e.g. \"127.0.0.1:9323\"; not '" + listen + "'");
        }
        return metrics;
    }

    private static LoginLimits limits(TomlSection section) throws ConfigException {
        LoginLimits d = LoginLimits.defaults();
        LoginLimits limits = new LoginLimits(
                (int) section.integer("auth_attempts", d.authAttempts(), 1, 100),
                section.duration("login_grace", d.loginGrace(), Duration.ofMinutes(10)),
                section.duration("auth_failure_delay", d.failureDelay(), Duration.ofMinutes(1)),
                (int) section.integer("throttle_failures", d.throttleFailures(), 1, 1_000_000),
                section.duration("throttle_window", d.throttleWindow(), Duration.ofDays(1)),
                (int) section.integer("sessions_per_account", d.sessionsPerAccount(), 1, 100_000),
                (int) section.integer("sessions_total", d.sessionsTotal(), 1, 1_000_000),
                section.duration("idle_timeout", d.idleTimeout(), Duration.ofDays(7)),
                (int) section.integer("password_max_bytes", d.passwordMaxBytes(), 64, 16 << 10),
                (int) section.integer("password_threads", d.passwordThreads(), 1, 64),
                (int) section.integer("password_queue", d.passwordQueue(), 1, 100_000),
                (int) section.integer("login_failures", d.loginFailures(), 1, 1_000_000),
                startups(section, d.startups()),
                (int) section.integer("max_sessions", d.sessionsPerConnection(), 1, 10_000),
                (int) section.integer("env_max_entries", d.envEntries(), 1, 10_000),
                (int) section.size("env_max_bytes", d.envBytes(), 64, 1 << 20));
        section.rejectUnknownKeys();
        return limits;
    }

    /** {@code max_startups} and {@code per_source_max_startups}, which cannot exceed its full. */
    private static LoginLimits.Startups startups(TomlSection section, LoginLimits.Startups d) throws ConfigException {
        Optional<String> text = section.scalar("max_startups");
        LoginLimits.Startups s = text.isPresent() ? maxStartups(section, text.get(), d.perSource()) : d;
        int perSource = (int) section.integer("per_source_max_startups", s.perSource(), 1, s.full());
        return new LoginLimits.Startups(s.start(), s.rate(), s.full(), perSource);
    }

    /** As OpenSSH reads MaxStartups: "start:rate:full", or one number N for "N:100:N" (refuse past N). */
    private static LoginLimits.Startups maxStartups(TomlSection section, String text, int perSource) throws ConfigException {
        Matcher m = STARTUPS.matcher(text.trim());
        if (!m.matches()) {
            throw section.error("max_startups", "is \"" + text + "\", must be \"start:rate:full\" as OpenSSH's "
                    + "MaxStartups, e.g. \"10:30:100\", or one number");
        }
        int start = Integer.parseInt(m.group(1));
        boolean one = m.group(2) == null;
        int rate = one ? 100 : Integer.parseInt(m.group(2));
        int full = one ? start : Integer.parseInt(m.group(3));
        if (start < 1 || start > full || rate < 1 || rate > 100) {
            throw section.error("max_startups", "is \"" + text + "\", must have 1 <= start <= full and a rate "
                    + "between 1 and 100 (percent)");
        }
        return new LoginLimits.Startups(start, rate, full, Math.min(perSource, full));
    }

    private static RecordingSettings recording(TomlSection section) throws ConfigException {
        RecordingSettings d = RecordingSettings.defaults();
        RecordingSettings recording = new RecordingSettings(
                section.bool("enabled", d.enabled()),
                section.bool("input", d.input()),
                Duration.ofDays(section.integer("keep_days", d.keep().toDays(), 1, 36_500)),
                section.size("max_total", d.maxTotal(), MIB, 1L << 50));
        section.rejectUnknownKeys();
        return recording;
    }

    private static ConsoleSettings console(TomlSection section) throws ConfigException {
        int ring = (int) section.size("ring", MIB, 64 << 10, 1L << 30);
        int replay = (int) section.size("replay", 16 << 10, 0, ring);
        int replayLines = (int) section.integer("replay_lines", 20, 1, 10_000);
        byte escape = escapeKey(section, ConsoleSettings.CTRL_A);
        section.rejectUnknownKeys();
        return new ConsoleSettings(ring, replay, replayLines, escape);
    }

    /** The {@code escape} key of a section, the gateway's or an account's, or {@code fallback} when it has none. */
    private static byte escapeKey(TomlSection section, byte fallback) throws ConfigException {
        Optional<String> text = section.string("escape");
        if (text.isEmpty()) {
            return fallback;
        }
        String t = text.get();
        char c = t.length() == 2 && t.charAt(0) == '^' ? Character.toUpperCase(t.charAt(1)) : 0;
        if (c < '@' || c > '_') {
            throw section.error("escape", "is \"" + t + "\", must be a control key written as \"^A\" .. \"^Z\"");
        }
        return (byte) (c ^ 0x40);
    }

    private AccountConfig account(Path file, Set<String> knownGuests, boolean fleet, byte gatewayEscape) throws ConfigException {
        String name = nameOf(file);
        TomlSection root = open(file);
        Optional<String> hash = root.string("password");
        if (hash.isPresent() && !CRYPT_SHA512.matcher(hash.get()).matches()) {
            throw root.error("password", "must be a SHA-512 crypt hash ($6$salt$...), as `yucon passwd` prints; plain text is refused");
        }
        boolean admin = root.bool("admin", false);
        Set<String> guests = new HashSet<>(root.strings("guests"));
        for (String guest : guests) {
            if (!knownGuests.contains(guest) && !(fleet && NAME.matcher(guest).matches())) {
                throw root.error("guests", "names \"" + guest + "\", which is not a guest (no guests/" + guest + ".toml)");
            }
        }
        byte escape = escapeKey(root, gatewayEscape);
        root.rejectUnknownKeys();
        Path keys = file.resolveSibling(name + ".keys");
        Optional<Path> authorizedKeys = Files.exists(keys) ? Optional.of(keys) : Optional.empty();
        if (hash.isEmpty() && authorizedKeys.isEmpty()) {
            throw new ConfigException(file, 0, "account '" + name + "' has neither a password nor a keys file (" + keys.getFileName() + "), so nobody could log in");
        }
        return new AccountConfig(name, hash, authorizedKeys, admin, guests, escape);
    }

    static String nameOf(Path file) throws ConfigException {
        String base = file.getFileName().toString();
        String name = base.substring(0, base.length() - ".toml".length());
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(file, 0, "the file name must be NAME.toml where NAME is lower-case letters, digits, '-' or '_' (at most 32), starting with a letter");
        }
        return name;
    }

    static TomlSection open(Path file) throws ConfigException {
        TomlParseResult result;
        String text = ConfigText.read(file);
        try {
            result = Toml.parse(text);
        } catch (RuntimeException | AssertionError e) {
            // tomlj 1.1.1 fails on some malformed escapes (a backslash-u escape with too few digits) by assertion or
            // index error instead of a parse error; found by ConfigFuzzTest.
            throw new ConfigException(file, 0, "not valid TOML: the parser stopped at a malformed string (" + e.getClass().getSimpleName() + ")");
        }
        if (result.hasErrors()) {
            TomlParseError first = result.errors().get(0);
            throw new ConfigException(file, first.position().line(), "not valid TOML: " + first.getMessage());
        }
        return new TomlSection(file, result, "");
    }

    static List<Path> tomlFiles(Path dir) throws ConfigException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.toml")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new ConfigException(dir, 0, "cannot be listed (" + e.getMessage() + ")");
        }
        files.sort(null);
        return files;
    }
}
