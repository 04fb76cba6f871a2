package org.yucon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guest settings of issue 7, and that a bad guest file costs that guest only. */
class GuestLoaderTest {
    @TempDir
    Path root;
    Path etc;

    @BeforeEach
    void etc() throws IOException {
        etc = root.resolve("etc");
        write("yucon.toml", "");
        Files.createDirectories(root.resolve("share"));
        Files.createDirectories(root.resolve("jail"));
    }

    @Test
    void everySettingIsRead() throws ConfigException {
        write("guests/web.toml",
                "runlevel = 3", "initrd = \"initrd.img\"", "user = \"nobody\"",
                "autostart = true", "autostart_order = 2", "autostart_delay = \"10s\"",
                "[[disk]]", "image = \"root.img\"", "cow = \"web.cow\"",
                "[[disk]]", "image = \"/dev/null\"", "readonly = true",
                "[[swap]]", "file = \"web.swap\"", "size = \"256M\"",
                "[hostfs]", "dir = \"" + root.resolve("share") + "\"",
                "[network]", "bridge = \"br0\"", "mac = \"52:54:00:AB:CD:EF\"",
                "[limits]", "nice = 10", "cpu = \"50%\"", "memory_max = \"512M\"", "io_read_bps = \"10M\"", "io_write_bps = \"5M\"");

        GuestConfig guest = guest("web");

        Path guests = etc.resolve("guests");
        assertEquals(new GuestConfig.Boot(Optional.of("3"), Optional.of(guests.resolve("initrd.img")), List.of()), guest.boot());
        assertEquals(List.of(new GuestConfig.Disk(guests.resolve("root.img"), Optional.of(guests.resolve("web.cow")), false),
                new GuestConfig.Disk(Path.of("/dev/null"), Optional.empty(), true)), guest.disks());
        assertEquals(List.of(new GuestConfig.Swap(guests.resolve("web.swap"), 256L << 20)), guest.swaps());
        assertEquals(Optional.of(new GuestConfig.HostDir(root.resolve("share"), true)), guest.hostfs());
        assertEquals(Optional.of(new GuestConfig.Network("br0", "yc-web", "52:54:00:ab:cd:ef")), guest.network());
        assertEquals(new GuestConfig.HostSide(Optional.of("nobody"), Optional.empty(), 10, OptionalInt.of(50),
                OptionalLong.of(512L << 20), OptionalLong.of(10L << 20), OptionalLong.of(5L << 20)), guest.host());
        assertEquals(new GuestConfig.Autostart(true, 2, Duration.ofSeconds(10)), guest.autostart());
    }

    /** 20 s unless set, stretched under a CPU cap below one CPU (a capped UML boots that much slower); "0s" is never. */
    @Test
    void theBootTimeoutDefaultsTo20sAndGrowsUnderACpuCap() throws ConfigException {
        write("guests/a.toml", "[[disk]]", "image = \"root.img\"");
        write("guests/b.toml", "[[disk]]", "image = \"root.img\"", "[limits]", "cpu = \"25%\"");
        write("guests/c.toml", "boot_timeout = \"0s\"", "[[disk]]", "image = \"root.img\"", "[limits]", "cpu = \"25%\"");
        write("guests/d.toml", "[[disk]]", "image = \"root.img\"", "[limits]", "cpu = \"200%\"");

        assertEquals(Duration.ofSeconds(20), guest("a").bootTimeout());
        assertEquals(Duration.ofSeconds(80), guest("b").bootTimeout());
        assertEquals(Duration.ZERO, guest("c").bootTimeout());
        assertEquals(Duration.ofSeconds(20), guest("d").bootTimeout());
    }

    @Test
    void defaultsLeaveTheGuestUnconfinedWithoutNetworkAndNotAutostarted() throws ConfigException {
        write("guests/web.toml", "[[disk]]", "image = \"root.img\"");

        GuestConfig guest = guest("web");

        assertEquals(GuestConfig.Boot.plain(), guest.boot());
        assertEquals(List.of(), guest.swaps());
        assertEquals(Optional.empty(), guest.hostfs());
        assertEquals(Optional.empty(), guest.network());
        assertEquals(GuestConfig.HostSide.unconfined(), guest.host());
        assertEquals(new GuestConfig.Autostart(false, 0, Duration.ofSeconds(5)), guest.autostart());
    }

    @Test
    void theDefaultMacIsStablePerNameLocallyAdministeredAndUnicast() throws ConfigException {
        write("guests/web.toml", "[[disk]]", "image = \"x\"", "[network]", "bridge = \"br0\"");
        write("guests/db.toml", "[[disk]]", "image = \"x\"", "[network]", "bridge = \"br0\"");

        String web = guest("web").network().orElseThrow().mac();

        assertEquals(GuestLoader.defaultMac("web"), web);
        assertTrue(web.matches("52:54:00(:[0-9a-f]{2}){3}"), web);
        assertTrue(!web.equals(guest("db").network().orElseThrow().mac()), "two names, two MACs");
    }

    @Test
    void aBadGuestIsLeftOutAndTheOthersAndTheirAccountsLoad() throws ConfigException {
        write("guests/good.toml", "[[disk]]", "image = \"x\"");
        write("guests/bad.toml", "[[disk]]", "image = \"x\"", "[limits]", "nice = 40");
        write("accounts/frank.toml", "admin = true", "guests = [\"bad\", \"good\"]");
        write("accounts/frank.keys", "");

        Configuration config = new ConfigLoader(etc).load();

        assertEquals(List.of("good"), List.copyOf(config.guests().keySet()));
        assertEquals(List.of(etc + "/guests/bad.toml line 4: 'limits.nice' is 40, must be between -20 and 19"), config.guestErrors());
        assertTrue(config.account("frank").isPresent(), "an account may name a guest whose file has an error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "6", "\"two\""})
    void badRunlevel(String value) {
        rejected("runlevel = " + value, "line 1: 'runlevel' is " + value.replace("\"", "") + ", must be a number from 1 to 5 or \"single\"");
    }

    @Test
    void runlevelOfTheWrongType() {
        rejected("runlevel = true", "line 1: 'runlevel' must be a string in quotes or a whole number");
    }

    @Test
    void readOnlyDiskWithACow() {
        rejectedDisks(List.of("[[disk]]", "image = \"x\"", "[[disk]]", "image = \"y\"", "cow = \"y.cow\"", "readonly = true"),
                "line 5: 'disk[1].cow' is set on a read-only disk; UML opens a read-only image as it is, so drop one of them");
    }

    @Test
    void hostDeviceThatDoesNotExist() {
        rejectedDisks(List.of("[[disk]]", "image = \"/dev/yucon-no-such-cdrom\""),
                "line 2: 'disk[0].image' is /dev/yucon-no-such-cdrom, which does not exist on this host");
    }

    @Test
    void swapWithoutSize() {
        rejectedDisks(List.of("[[disk]]", "image = \"x\"", "[[swap]]", "file = \"s\""), "missing required key 'swap[0].size'");
    }

    @Test
    void swapTooSmall() {
        rejectedDisks(List.of("[[disk]]", "image = \"x\"", "[[swap]]", "file = \"s\"", "size = \"4K\""),
                "line 5: 'swap[0].size' is 4096 bytes, must be between 1048576 and 68719476736");
    }

    @Test
    void swapWithoutFile() {
        rejectedDisks(List.of("[[disk]]", "image = \"x\"", "[[swap]]", "size = \"1M\""), "missing required key 'swap[0].file'");
    }

    @Test
    void hostfsGivenTwice() {
        rejectedTable("[[hostfs]]\ndir = \"/a\"\n[[hostfs]]\ndir = \"/b\"", "line 3: 'hostfs' must be one table [hostfs]: "
                + "UML takes a single hostfs= directory (mount subdirectories inside the guest)");
    }

    @Test
    void hostfsThatIsNotADirectory() {
        rejectedTable("[hostfs]\ndir = \"/nonexistent-yucon\"", "line 4: 'hostfs.dir' is /nonexistent-yucon, which is not a directory");
    }

    @Test
    void networkWithoutBridge() {
        rejectedTable("[network]\nmac = \"52:54:00:00:00:01\"", ": missing required key 'network.bridge'");
    }

    @Test
    void bridgeNameTooLong() {
        rejectedTable("[network]\nbridge = \"a-very-long-bridge0\"",
                "line 4: 'network.bridge' is \"a-very-long-bridge0\", must be an interface name: at most 15 letters, digits, '.', '-' or '_'");
    }

    @Test
    void badTapName() {
        rejectedTable("[network]\nbridge = \"br0\"\ntap = \"tap 0\"",
                "line 5: 'network.tap' is \"tap 0\", must be an interface name: at most 15 letters, digits, '.', '-' or '_'");
    }

    @Test
    void defaultTapNameTooLongForALongGuestName() {
        write("guests/a-guest-with-a-long-name.toml", "[[disk]]", "image = \"x\"", "[network]", "bridge = \"br0\"");
        assertEquals(List.of(etc + "/guests/a-guest-with-a-long-name.toml line 4: 'network.bridge' needs a 'tap' name: "
                + "the default \"yc-a-guest-with-a-long-name\" is longer than 15 characters"), errors());
    }

    @ParameterizedTest
    @ValueSource(strings = {"52:54:00:00:00", "52-54-00-00-00-01", "52:54:00:00:00:0g"})
    void badMac(String mac) {
        rejectedTable("[network]\nbridge = \"br0\"\nmac = \"" + mac + "\"",
                "line 5: 'network.mac' is \"" + mac + "\", must be six hex pairs such as \"52:54:00:12:34:56\"");
    }

    @Test
    void multicastMac() {
        rejectedTable("[network]\nbridge = \"br0\"\nmac = \"01:00:5e:00:00:01\"",
                "line 5: 'network.mac' is \"01:00:5e:00:00:01\", a multicast address; the first byte must be even");
    }

    @Test
    void twoGuestsOnOneTapOrMac() {
        write("guests/a.toml", "[[disk]]", "image = \"x\"", "[network]", "bridge = \"br0\"", "tap = \"t0\"");
        write("guests/b.toml", "[[disk]]", "image = \"x\"", "[network]", "bridge = \"br0\"", "tap = \"t0\"");
        write("guests/c.toml", "[[disk]]", "image = \"x\"", "[network]", "bridge = \"br0\"", "mac = \"" + GuestLoader.defaultMac("a") + "\"");
        assertEquals(List.of(etc + "/guests/b.toml: tap 't0' is also used by " + etc.resolve("guests/a.toml"),
                etc + "/guests/c.toml: MAC " + GuestLoader.defaultMac("a") + " is also used by " + etc.resolve("guests/a.toml")), errors());
    }

    @Test
    void unknownUser() {
        rejected("user = \"no-such-user-yucon\"", "line 1: 'user' names \"no-such-user-yucon\", who is not a user of this host");
    }

    @Test
    void rootAsTheGuestsUser() {
        rejected("user = \"root\"", "line 1: 'user' names \"root\", which is root; leave it out to run as the keeper's user");
    }

    @Test
    void jailThatIsNotADirectory() {
        rejected("jail = \"/nonexistent-yucon-jail\"", "line 1: 'jail' is /nonexistent-yucon-jail, which is not a directory");
    }

    @Test
    void diskOutsideTheJail() {
        Path jail = root.resolve("jail");
        write("guests/web.toml", "jail = \"" + jail + "\"", "[[disk]]", "image = \"" + jail.resolve("root.img") + "\"",
                "cow = \"/var/web.cow\"");
        assertEquals(List.of(etc + "/guests/web.toml line 1: 'jail' is " + jail + ", but /var/web.cow is outside it, "
                + "where the jailed UML cannot open it"), errors());
    }

    @ParameterizedTest
    @ValueSource(strings = {"50", "0%", "half", "1000001%"})
    void badCpuCap(String value) {
        rejectedTable("[limits]\ncpu = \"" + value + "\"",
                "line 4: 'limits.cpu' is \"" + value + "\", must be a share of one CPU such as \"50%\" or \"200%\"");
    }

    @Test
    void memoryCapBelowTheGuestsMemory() {
        rejected("memory = \"64M\"\n[limits]\nmemory_max = \"32M\"",
                "line 3: 'limits.memory_max' is 33554432 bytes, must be between 67108864 and 1099511627776");
    }

    @Test
    void ioLimitTooSmall() {
        rejectedTable("[limits]\nio_write_bps = 100", "line 4: 'limits.io_write_bps' is 100 bytes, must be between 4096 and 1099511627776");
    }

    @Test
    void unknownLimit() {
        rejectedTable("[limits]\ncpus = \"50%\"", "line 4: unknown key 'limits.cpus' "
                + "(known here: cpu, io_read_bps, io_write_bps, memory_max, nice)");
    }

    @Test
    void autostartOrderNegative() {
        rejected("autostart_order = -1", "line 1: 'autostart_order' is -1, must be between 0 and 1000000");
    }

    /** A guest with {@code lines} on top and one disk: its one error, relative to etc. */
    private void rejected(String lines, String expected) {
        write("guests/web.toml", lines, "[[disk]]", "image = \"x\"");
        assertEquals(List.of(etc + "/guests/web.toml " + expected), errors());
    }

    /** A guest with a disk, then {@code table}. */
    private void rejectedTable(String table, String expected) {
        write("guests/web.toml", "[[disk]]", "image = \"x\"", table);
        assertEquals(List.of(etc + "/guests/web.toml" + (expected.startsWith(":") ? "" : " ") + expected), errors());
    }

    private void rejectedDisks(List<String> lines, String expected) {
        write("guests/web.toml", lines.toArray(new String[0]));
        assertEquals(List.of(etc + "/guests/web.toml" + (expected.startsWith("line") ? " " : ": ") + expected), errors());
    }

    private GuestConfig guest(String name) throws ConfigException {
        Configuration config = new ConfigLoader(etc).load();
        assertEquals(List.of(), config.guestErrors());
        return config.guests().get(name);
    }

    private List<String> errors() {
        try {
            return new ConfigLoader(etc).load().guestErrors();
        } catch (ConfigException e) {
            throw new AssertionError("the whole load failed: " + e.getMessage(), e);
        }
    }

    private void write(String name, String... lines) {
        EtcFiles.write(etc, name, lines);
    }
}
