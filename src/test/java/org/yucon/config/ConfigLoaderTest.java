package org.yucon.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.codec.digest.Sha2Crypt;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    private static final String HASH = Sha2Crypt.sha512Crypt("secret".getBytes(UTF_8), "$6$saltsalt");
    private static final String KNOWN_GUEST_KEYS =
            "(known here: autostart, autostart_delay, autostart_order, boot_timeout, disk, hostfs, hotplug, initrd, jail, kernel, kernel_args, "
            + "limits, log, memory, network, read_only, restart, restart_max, restart_window, runlevel, shutdown_timeout, swap, umid, user)";

    @TempDir
    Path root;

    Path etc;

    @BeforeEach
    void minimalEtc() throws IOException {
        etc = root.resolve("etc");
        write("yucon.toml", "");
        write("guests/uml1.toml", "[[disk]]", "image = \"uml1.img\"");
    }

    @Test
    void minimalEtcLoadsWithTheDocumentedDefaults() throws ConfigException {
        write("accounts/alice.toml", "password = \"" + HASH + "\"", "guests = [\"uml1\"]");

        Configuration config = load();

        GatewaySettings gateway = config.gateway();
        assertEquals("127.0.0.1", gateway.listenAddress());
        assertEquals(2222, gateway.port());
        assertEquals(root.resolve("hostkeys"), gateway.hostKeyDir());
        assertEquals(root.resolve("state"), gateway.stateDir());
        assertEquals(Optional.empty(), gateway.kernel());
        assertEquals(new ConsoleSettings(1 << 20, 16 << 10, 20, (byte) 0x01), gateway.console());
        assertEquals(new RecordingSettings(true, false, Duration.ofDays(30), 1L << 30), gateway.recording());

        GuestConfig guest = config.guests().get("uml1");
        assertEquals("uml1", guest.umid());
        assertEquals(128L << 20, guest.memoryBytes());
        assertEquals(Duration.ofSeconds(30), guest.shutdownTimeout());
        assertEquals(RestartPolicy.never(), guest.restart());
        assertEquals(List.of(new GuestConfig.Disk(etc.resolve("guests/uml1.img"), Optional.empty(), false)), guest.disks());
        assertEquals(List.of(), guest.boot().kernelArgs());
        assertEquals(Optional.empty(), guest.kernel());

        AccountConfig alice = config.account("alice").orElseThrow();
        assertEquals(Optional.of(HASH), alice.passwordHash());
        assertEquals(Optional.empty(), alice.authorizedKeys());
        assertFalse(alice.admin());
        assertEquals(Set.of("uml1"), alice.guests());
    }

    @Test
    void explicitSettingsAreReadAndRelativePathsResolvedFromTheirFile() throws ConfigException {
        write("yucon.toml",
                "[ssh]", "listen = \"0.0.0.0\"", "port = 2022", "host_keys = \"keys\"",
                "[paths]", "state = \"../var\"", "kernel = \"/opt/linux\"",
                "[console]", "ring = \"2M\"", "replay = 4096", "replay_lines = 60", "escape = \"^]\"",
                "[recording]", "enabled = false", "input = true", "keep_days = 7", "max_total = \"200M\"");
        write("guests/uml1.toml",
                "umid = \"u-1\"", "kernel = \"linux\"", "memory = \"64MiB\"", "kernel_args = [\"quiet\"]",
                "shutdown_timeout = \"5m\"", "restart = \"on-crash\"", "restart_max = 5", "restart_window = \"10m\"",
                "[[disk]]", "image = \"../../images/root.img\"", "cow = \"uml1.cow\"",
                "[[disk]]", "image = \"/srv/data.img\"");
        write("accounts/bob.toml", "admin = true");
        write("accounts/bob.keys", "");

        Configuration config = load();

        GatewaySettings gateway = config.gateway();
        assertEquals("0.0.0.0", gateway.listenAddress());
        assertEquals(2022, gateway.port());
        assertEquals(etc.resolve("keys"), gateway.hostKeyDir());
        assertEquals(root.resolve("var"), gateway.stateDir());
        assertEquals(Optional.of(Path.of("/opt/linux")), gateway.kernel());
        assertEquals(new ConsoleSettings(2 << 20, 4096, 60, (byte) 0x1d), gateway.console());
        assertEquals(new RecordingSettings(false, true, Duration.ofDays(7), 200L << 20), gateway.recording());

        GuestConfig guest = config.guests().get("uml1");
        assertEquals("u-1", guest.umid());
        assertEquals(Optional.of(etc.resolve("guests/linux")), guest.kernel());
        assertEquals(64L << 20, guest.memoryBytes());
        assertEquals(List.of("quiet"), guest.boot().kernelArgs());
        assertEquals(Duration.ofMinutes(5), guest.shutdownTimeout());
        assertEquals(new RestartPolicy(RestartPolicy.When.ON_CRASH, 5, Duration.ofMinutes(10)), guest.restart());
        assertEquals(List.of(
                new GuestConfig.Disk(root.resolve("images/root.img"), Optional.of(etc.resolve("guests/uml1.cow")), false),
                new GuestConfig.Disk(Path.of("/srv/data.img"), Optional.empty(), false)), guest.disks());

        AccountConfig bob = config.account("bob").orElseThrow();
        assertTrue(bob.admin());
        assertTrue(bob.owns("uml1"));
        assertEquals(Optional.empty(), bob.passwordHash());
        assertEquals(Optional.of(etc.resolve("accounts/bob.keys")), bob.authorizedKeys());
    }

    @Test
    void missingMainFile() throws IOException {
        Files.delete(etc.resolve("yucon.toml"));
        assertRejected("yucon.toml: no such file");
    }

    @Test
    void textThatIsNotUtf8NamesItsLineAndByte() throws IOException {
        Files.write(etc.resolve("yucon.toml"), "[ssh]\nport = 2222\n# caf\u00e9 in Latin-1: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertRejected("yucon.toml line 3: not UTF-8 text (byte 0xe9 at column 6)");
    }

    @Test
    void controlCharactersOfTheFileNeverReachTheTerminal() {
        // A quoted key may hold any character by escape; an unknown key is quoted in the error.
        write("yucon.toml", "[ssh]", "\"\\u001b]0;owned\\u0007\" = 1");
        assertFalse(failure().chars().anyMatch(c -> c == 0x1b || c == 0x07), failure());
    }

    @Test
    void invalidTomlNamesTheLineOfTheError() {
        write("yucon.toml", "[ssh]", "port = 2222", "listen = ", "[paths]");
        assertTrue(failure().startsWith(etc + "/yucon.toml line 3: not valid TOML: "), failure());
    }

    @Test
    void unknownTopLevelKey() {
        write("yucon.toml", "# gateway", "lissen = \"::\"");
        assertRejected("yucon.toml line 2: unknown key 'lissen' (known here: boot, console, fleet, limits, metrics, paths, peer, recording, ssh, web)");
    }

    @Test
    void peersAreReadWithTheirPinnedKeysAndAccountsMayNameTheirGuests() throws Exception {
        String key = PublicKeyEntry.toString(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
        write("yucon.toml", "[fleet]", "name = \"uml-host1\"", "[[peer]]", "name = \"uml-host2\"", "address = \"10.0.0.2\"",
                "port = 2200", "host_key = \"" + key + "\"");
        write("accounts/bob.toml", "password = \"" + HASH + "\"", "guests = [\"uml5\"]");
        Configuration config = load();
        FleetSettings fleet = config.gateway().fleet();
        assertEquals("uml-host1", fleet.hostName());
        assertEquals(List.of("uml-host2 10.0.0.2 2200 " + key), fleet.peers().stream()
                .map(p -> p.name() + " " + p.address() + " " + p.port() + " " + PublicKeyEntry.toString(p.hostKey())).toList());
        assertEquals(Set.of("uml5"), config.account("bob").orElseThrow().guests());
    }

    @Test
    void aPeerWithoutAPinnedKeyOrWithAMalformedOneIsRefused() {
        write("yucon.toml", "[[peer]]", "name = \"uml-host2\"", "address = \"10.0.0.2\"");
        assertRejected("yucon.toml: 'peer[0].host_key' is missing: pin the peer's host key, its line from `yucon hostkeys` (\"ssh-ed25519 AAAA...\")");
        write("yucon.toml", "[[peer]]", "name = \"uml-host2\"", "address = \"10.0.0.2\"", "host_key = \"ssh-ed25519 AAAAnope\"");
        assertRejected("yucon.toml line 4: 'peer[0].host_key' is not an OpenSSH public key line (\"ssh-ed25519 AAAA...\")");
    }

    @Test
    void withoutPeersAnAccountNamingAnUnknownGuestIsStillRefused() {
        write("accounts/bob.toml", "password = \"" + HASH + "\"", "guests = [\"uml5\"]");
        assertRejected("accounts/bob.toml line 2: 'guests' names \"uml5\", which is not a guest (no guests/uml5.toml)");
    }

    @Test
    void webDefaultsServeLoopbackOnlyWithASelfSignedCertificate() throws ConfigException {
        write("yucon.toml", "[ssh]", "port = 2222");
        WebSettings web = load().gateway().web();
        assertTrue(web.enabled());
        assertEquals("127.0.0.1", web.listenAddress());
        assertEquals(8443, web.port());
        assertTrue(web.certificate().isEmpty() && web.key().isEmpty());
        assertEquals(java.time.Duration.ofMinutes(30), web.idleTimeout());
        assertEquals(List.of("localhost", "127.0.0.1", "[::1]"), web.hostNames());
    }

    @Test
    void webErrorsNameFileAndLine() {
        write("yucon.toml", "[web]", "certificate = \"web.pem\"");
        assertRejected("yucon.toml line 2: 'web.certificate' needs its pair: give both certificate and key (PEM files), "
                + "or neither for a self-signed certificate");
        write("yucon.toml", "[web]", "port = 8443", "host_names = [\"evil.example:443\"]");
        assertRejected("yucon.toml line 3: 'web.host_names' names \"evil.example:443\", which is not a host name or "
                + "address (letters, digits, '-', '.', or an IPv6 address in brackets; no port)");
        write("yucon.toml", "[web]", "idle_timeout = \"0s\"");
        assertRejected("yucon.toml line 2: 'web.idle_timeout' must be more than 0: a page session that never expires is refused");
        write("yucon.toml", "[web]", "enabled = \"yes\"");
        assertRejected("yucon.toml line 2: 'web.enabled' must be true or false");
    }

    @Test
    void unknownSection() {
        write("yucon.toml", "[sssh]", "port = 22");
        assertRejected("yucon.toml line 1: unknown key 'sssh' (known here: boot, console, fleet, limits, metrics, paths, peer, recording, ssh, web)");
    }

    @Test
    void unknownKeyInASection() {
        write("yucon.toml", "[ssh]", "prot = 22");
        assertRejected("yucon.toml line 2: unknown key 'ssh.prot' (known here: host_keys, listen, port)");
    }

    @Test
    void misspeltGuestKey() {
        write("guests/uml1.toml", "umid = \"uml1\"", "kernel_args = []", "memroy = \"64M\"", "[[disk]]", "image = \"x\"");
        assertRejected("guests/uml1.toml line 3: unknown key 'memroy' " + KNOWN_GUEST_KEYS);
    }

    @Test
    void unknownKeyInADisk() {
        write("guests/uml1.toml", "[[disk]]", "image = \"x\"", "[[disk]]", "image = \"y\"", "format = \"raw\"");
        assertRejected("guests/uml1.toml line 5: unknown key 'disk[1].format' (known here: cow, image, readonly)");
    }

    @Test
    void stringWhereANumberBelongs() {
        write("yucon.toml", "[ssh]", "port = \"2222\"");
        assertRejected("yucon.toml line 2: 'ssh.port' must be a whole number");
    }

    @Test
    void numberWhereAStringBelongs() {
        write("yucon.toml", "[ssh]", "listen = 127");
        assertRejected("yucon.toml line 2: 'ssh.listen' must be a string in quotes");
    }

    @Test
    void listOfNonStrings() {
        write("guests/uml1.toml", "kernel_args = [1, 2]", "[[disk]]", "image = \"x\"");
        assertRejected("guests/uml1.toml line 1: 'kernel_args' must be a list of strings, e.g. [\"a\", \"b\"]");
    }

    @Test
    void diskThatIsNotATable() {
        write("guests/uml1.toml", "disk = \"root.img\"");
        assertRejected("guests/uml1.toml line 1: 'disk' must be an array of tables [[disk]]");
    }

    @Test
    void recordingSettingsThatCannotBeUsedNameTheirLine() {
        write("yucon.toml", "[recording]", "input = \"yes\"");
        assertRejected("yucon.toml line 2: 'recording.input' must be true or false");
        write("yucon.toml", "[recording]", "", "keep_days = 0");
        assertRejected("yucon.toml line 3: 'recording.keep_days' is 0, must be between 1 and 36500");
        write("yucon.toml", "[recording]", "max_total = \"lots\"");
        assertTrue(failure().startsWith(etc + "/yucon.toml line 2: 'recording.max_total' "), failure());
        write("yucon.toml", "[recording]", "keep = 3");
        assertRejected("yucon.toml line 2: unknown key 'recording.keep' (known here: enabled, input, keep_days, max_total)");
    }

    @Test
    void portOutOfRange() {
        write("yucon.toml", "[ssh]", "port = 70000");
        assertRejected("yucon.toml line 2: 'ssh.port' is 70000, must be between 1 and 65535");
    }

    @Test
    void sizeTooSmall() {
        write("guests/uml1.toml", "memory = \"1M\"", "[[disk]]", "image = \"x\"");
        assertRejected("guests/uml1.toml line 1: 'memory' is 1048576 bytes, must be between 16777216 and 68719476736");
    }

    @Test
    void replayLargerThanTheRing() {
        write("yucon.toml", "[console]", "ring = \"64K\"", "replay = \"128K\"");
        assertRejected("yucon.toml line 3: 'console.replay' is 131072 bytes, must be between 0 and 65536");
    }

    @Test
    void badSizeText() {
        write("guests/uml1.toml", "memory = \"lots\"", "[[disk]]", "image = \"x\"");
        assertRejected("guests/uml1.toml line 1: 'memory' is lots, must be a size such as 65536, \"512K\", \"64M\" or \"1G\"");
    }

    @Test
    void sizeTooLargeForANumber() {
        write("guests/uml1.toml", "memory = \"99999999999999999999M\"", "[[disk]]", "image = \"x\"");
        assertRejected("guests/uml1.toml line 1: 'memory' is 99999999999999999999M, which is too large");
    }

    @Test
    void sizeThatWouldWrapAroundIsTooLarge() {
        // 2^44 + 128 MiB is 2^64 + 128 MiB bytes: it must not wrap to a plausible 128 MiB.
        write("guests/uml1.toml", "memory = \"17592186044544M\"", "[[disk]]", "image = \"x\"");
        assertRejected("guests/uml1.toml line 1: 'memory' is 17592186044544M, which is too large");
    }

    @Test
    void badDurationText() {
        write("guests/uml1.toml", "shutdown_timeout = \"soon\"", "[[disk]]", "image = \"x\"");
        assertRejected("guests/uml1.toml line 1: 'shutdown_timeout' is \"soon\", must be a duration such as "
                + "\"500ms\", \"30s\", \"5m\" or \"1h\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2h", "9999999999999999h", "99999999999999999999s"})
    void durationTooLong(String text) {
        write("guests/uml1.toml", "shutdown_timeout = \"" + text + "\"", "[[disk]]", "image = \"x\"");
        assertRejected("guests/uml1.toml line 1: 'shutdown_timeout' is " + text + ", must be at most 3600s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "^1", "^", "^^A", "", "A", "^?"})
    void badEscape(String text) {
        write("yucon.toml", "[console]", "escape = \"" + text + "\"");
        assertRejected("yucon.toml line 2: 'console.escape' is \"" + text + "\", must be a control key written as \"^A\" .. \"^Z\"");
    }

    @Test
    void accountEscapeIsItsOwnOrTheGateways() throws ConfigException {
        write("yucon.toml", "[console]", "escape = \"^]\"");
        write("accounts/alice.toml", "password = \"" + HASH + "\"", "escape = \"^b\"");
        write("accounts/bob.toml", "password = \"" + HASH + "\"");

        Configuration config = load();

        assertEquals(0x02, config.account("alice").orElseThrow().escapeKey());
        assertEquals(0x1d, config.account("bob").orElseThrow().escapeKey(), "no escape of its own: the gateway's");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "^1", "^", "A", "^?"})
    void badAccountEscape(String text) {
        write("accounts/alice.toml", "password = \"" + HASH + "\"", "escape = \"" + text + "\"");
        assertRejected("accounts/alice.toml line 2: 'escape' is \"" + text + "\", must be a control key written as \"^A\" .. \"^Z\"");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 10_001})
    void replayLinesOutOfRange(int lines) {
        write("yucon.toml", "[console]", "replay_lines = " + lines);
        assertRejected("yucon.toml line 2: 'console.replay_lines' is " + lines + ", must be between 1 and 10000");
    }

    @Test
    void pathWithANulCharacter() {
        write("yucon.toml", "[paths]", "kernel = \"linux\\u0000.uml\"");
        assertRejected("yucon.toml line 2: 'paths.kernel' is not a usable path (Nul character not allowed)");
    }

    @Test
    void emptyPath() {
        write("guests/uml1.toml", "[[disk]]", "image = \"\"");
        assertRejected("guests/uml1.toml line 2: 'disk[0].image' must not be empty");
    }

    @Test
    void guestWithoutDisk() {
        write("guests/uml1.toml", "memory = \"64M\"");
        assertRejected("guests/uml1.toml: a guest needs at least one [[disk]] with an image (its root)");
    }

    @Test
    void diskWithoutImage() {
        write("guests/uml1.toml", "[[disk]]", "cow = \"uml1.cow\"");
        assertRejected("guests/uml1.toml: missing required key 'disk[0].image'");
    }

    @Test
    void badGuestFileName() {
        write("guests/Uml1.toml", "[[disk]]", "image = \"x\"");
        assertRejected("guests/Uml1.toml: the file name must be NAME.toml where NAME is lower-case letters, digits, "
                + "'-' or '_' (at most 32), starting with a letter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"UML1", "1uml", "uml 1", "../x", "abcdefghijklmnopqrstuvwxyz0123456"})
    void badUmid(String umid) {
        write("guests/uml1.toml", "umid = \"" + umid + "\"", "[[disk]]", "image = \"x\"");
        assertRejected("guests/uml1.toml line 1: 'umid' is \"" + umid + "\", must be lower-case letters, digits, "
                + "'-' or '_' (at most 32), starting with a letter");
    }

    @Test
    void twoGuestsSharingAUmid() {
        write("guests/uml2.toml", "umid = \"uml1\"", "[[disk]]", "image = \"x\"");
        assertRejected("guests/uml2.toml: umid 'uml1' is also used by " + etc.resolve("guests/uml1.toml"));
    }

    @Test
    void plainTextPasswordIsRefusedWithoutEchoingIt() {
        write("accounts/alice.toml", "password = \"hunter2\"");
        assertRejected("accounts/alice.toml line 1: 'password' must be a SHA-512 crypt hash ($6$salt$...), "
                + "as `yucon passwd` prints; plain text is refused");
    }

    @Test
    void accountNamingAnUnknownGuest() {
        write("accounts/alice.toml", "password = \"" + HASH + "\"", "guests = [\"uml9\"]");
        assertRejected("accounts/alice.toml line 2: 'guests' names \"uml9\", which is not a guest (no guests/uml9.toml)");
    }

    @Test
    void accountWithNeitherPasswordNorKeys() {
        write("accounts/alice.toml", "admin = true");
        assertRejected("accounts/alice.toml: account 'alice' has neither a password nor a keys file (alice.keys), "
                + "so nobody could log in");
    }

    @Test
    void badAccountFileName() {
        write("accounts/alice smith.toml", "admin = true");
        assertRejected("accounts/alice smith.toml: the file name must be NAME.toml where NAME is lower-case letters, "
                + "digits, '-' or '_' (at most 32), starting with a letter");
    }

    private Configuration load() throws ConfigException {
        return new ConfigLoader(etc).load();
    }

    /** The whole message: exactly one sentence, naming the file relative to etc and, where it has one, the line. */
    @Test
    void loginLimitsHaveDefaultsAndAreRead() throws ConfigException {
        write("accounts/alice.toml", "password = \"" + HASH + "\"");
        assertEquals(LoginLimits.defaults(), load().gateway().limits());

        write("yucon.toml", "[limits]", "auth_attempts = 3", "login_grace = \"20s\"", "auth_failure_delay = \"500ms\"",
                "throttle_failures = 5", "throttle_window = \"1m\"", "sessions_per_account = 4", "sessions_total = 50",
                "idle_timeout = \"1h\"", "password_max_bytes = 256", "password_threads = 2", "password_queue = 16",
                "login_failures = 7", "max_startups = \"20:50:200\"", "per_source_max_startups = 7", "max_sessions = 3",
                "env_max_entries = 8", "env_max_bytes = \"1K\"");
        assertEquals(new LoginLimits(3, Duration.ofSeconds(20), Duration.ofMillis(500), 5, Duration.ofMinutes(1), 4, 50,
                Duration.ofHours(1), 256, 2, 16, 7, new LoginLimits.Startups(20, 50, 200, 7), 3, 8, 1024),
                load().gateway().limits());
    }

    @Test
    void bootsAtOnceAreFourPerCpuUnlessSet() throws Exception {
        write("accounts/alice.toml", "password = \"" + HASH + "\"");
        write("yucon.toml");
        assertEquals(4 * Runtime.getRuntime().availableProcessors(), load().gateway().bootsAtOnce());
        Files.copy(Path.of("etc/yucon.toml"), etc.resolve("yucon.toml"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(4 * Runtime.getRuntime().availableProcessors(), load().gateway().bootsAtOnce(), "the shipped file");
        write("yucon.toml", "[boot]", "at_once = 3");
        assertEquals(3, load().gateway().bootsAtOnce());
        write("yucon.toml", "[boot]", "at_once = -1");
        assertRejected("yucon.toml line 2: 'boot.at_once' is -1, must be between 0 and 10000");
        write("yucon.toml", "[boot]", "at-once = 3");
        assertRejected("yucon.toml line 2: unknown key 'boot.at-once' (known here: at_once)");
    }

    @Test
    void theShippedYuconTomlShowsTheDefaults() throws Exception {
        Files.copy(Path.of("etc/yucon.toml"), etc.resolve("yucon.toml"), StandardCopyOption.REPLACE_EXISTING);
        write("accounts/alice.toml", "password = \"" + HASH + "\"");
        assertEquals(LoginLimits.defaults(), load().gateway().limits());
        assertEquals(RecordingSettings.defaults(), load().gateway().recording());
        write("yucon.toml");
        WebSettings defaults = load().gateway().web();
        Files.copy(Path.of("etc/yucon.toml"), etc.resolve("yucon.toml"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(defaults, load().gateway().web());
    }

    @Test
    void maxStartupsIsReadAsOpenSshReadsIt() throws ConfigException {
        write("accounts/alice.toml", "password = \"" + HASH + "\"");
        assertEquals(new LoginLimits.Startups(10, 30, 100, 5), load().gateway().limits().startups(), "the default, sshd's");
        write("yucon.toml", "[limits]", "max_startups = 3");
        assertEquals(new LoginLimits.Startups(3, 100, 3, 3), load().gateway().limits().startups(),
                "one number refuses past it; the per-source default cannot exceed it");
    }

    @Test
    void aMaxStartupsThatIsNoneIsNamed() {
        write("yucon.toml", "[limits]", "max_startups = \"10:30\"");
        assertRejected("yucon.toml line 2: 'limits.max_startups' is \"10:30\", must be \"start:rate:full\" as OpenSSH's "
                + "MaxStartups, e.g. \"10:30:100\", or one number");
        write("yucon.toml", "[limits]", "max_startups = \"100:30:10\"");
        assertRejected("yucon.toml line 2: 'limits.max_startups' is \"100:30:10\", must have 1 <= start <= full and a rate "
                + "between 1 and 100 (percent)");
        write("yucon.toml", "[limits]", "max_startups = \"10:0:100\"");
        assertRejected("yucon.toml line 2: 'limits.max_startups' is \"10:0:100\", must have 1 <= start <= full and a rate "
                + "between 1 and 100 (percent)");
        write("yucon.toml", "[limits]", "max_startups = \"10:30:100\"", "per_source_max_startups = 101");
        assertRejected("yucon.toml line 3: 'limits.per_source_max_startups' is 101, must be between 1 and 100");
    }

    @Test
    void aMisspeltLimitIsNamed() {
        write("yucon.toml", "[limits]", "auth_attemps = 3");
        assertRejected("yucon.toml line 2: unknown key 'limits.auth_attemps' (known here: auth_attempts, auth_failure_delay, "
                + "env_max_bytes, env_max_entries, idle_timeout, login_failures, login_grace, max_sessions, max_startups, "
                + "password_max_bytes, password_queue, password_threads, per_source_max_startups, sessions_per_account, "
                + "sessions_total, throttle_failures, throttle_window)");
    }

    @Test
    void accountChangesCountForTheNextLoginAndABrokenChangeKeepsTheOldAccounts() throws Exception {
        write("accounts/alice.toml", "password = \"" + HASH + "\"", "guests = [\"uml1\"]");
        AccountBook book = new AccountBook(load(), new AccessChanges());
        assertTrue(book.account("bob").isEmpty());

        write("accounts/bob.toml", "password = \"" + HASH + "\"", "admin = true");
        Thread.sleep(1100);
        assertTrue(book.account("bob").orElseThrow().admin(), "bob was added without a restart");

        write("accounts/bob.toml", "password = \"plain text\"");
        Thread.sleep(1100);
        assertTrue(book.account("bob").orElseThrow().admin(), "a change that does not validate leaves bob as he was");

        Files.delete(etc.resolve("accounts/bob.toml"));
        Thread.sleep(1100);
        assertTrue(book.account("bob").isEmpty(), "bob was removed without a restart");
        assertTrue(book.account("alice").isPresent());
    }

    @Test
    void aLookAtChangedAccountsCountsTheChangeForOpenSessions() throws Exception {
        write("accounts/alice.toml", "password = \"" + HASH + "\"", "guests = [\"uml1\"]");
        AccessChanges changes = new AccessChanges();
        List<Long> heard = new ArrayList<>();
        changes.listen(() -> heard.add(changes.count()));
        AccountBook book = new AccountBook(load(), changes);

        write("accounts/alice.toml", "password = \"" + HASH + "\"");
        assertEquals(Set.of("uml1"), book.current("alice").orElseThrow().guests(), "current() does not read the files");
        book.look();
        assertEquals(Set.of(), book.current("alice").orElseThrow().guests(), "the grant is gone");
        assertEquals(List.of(1L), heard, "the change is counted and told once");

        write("accounts/alice.toml", "# the same account, said differently", "password = \"" + HASH + "\"");
        book.look();
        assertEquals(List.of(1L), heard, "accounts read again as they were are no change");
    }

    @Test
    void unknownRestartPolicyIsNamed() {
        write("guests/uml1.toml", "restart = \"sometimes\"", "[[disk]]", "image = \"uml1.img\"");
        assertRejected("guests/uml1.toml line 1: 'restart' is \"sometimes\", must be \"never\", \"on-crash\" or \"always\"");
    }

    private void assertRejected(String expected) {
        assertEquals(etc + "/" + expected, failure());
    }

    /** The error that stopped the load, or that of the one guest file that was left out. */
    private String failure() {
        try {
            List<String> guestErrors = load().guestErrors();
            assertEquals(1, guestErrors.size(), "one guest file should have been left out: " + guestErrors);
            return guestErrors.get(0);
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    private void write(String name, String... lines) {
        EtcFiles.write(etc, name, lines);
    }
}
