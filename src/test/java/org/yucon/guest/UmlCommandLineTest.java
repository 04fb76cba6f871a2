package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.yucon.config.GuestConfig;
import org.yucon.config.LogSettings;
import org.yucon.config.RestartPolicy;

class UmlCommandLineTest {
    private static final Path KERNEL = Path.of("/k/linux");
    private static final Path UML_DIR = Path.of("/state/uml");

    @Test
    void guestWithTwoDisksBootsWithCowRootSecondDiskAndKernelArgsLast() {
        GuestConfig guest = guest(new GuestConfig.Boot(Optional.empty(), Optional.empty(), List.of("quiet", "init=/bin/sh")),
                List.of(new GuestConfig.Disk(Path.of("/img/root.img"), Optional.of(Path.of("/state/web.cow")), false),
                        new GuestConfig.Disk(Path.of("/img/data.img"), Optional.empty(), false)),
                List.of(), Optional.empty(), Optional.empty(), GuestConfig.HostSide.unconfined());

        assertEquals(List.of("/k/linux", "umid=web-1", "hostname=web", "uml_dir=/state/uml", "mem=64M",
                "ubd0=/state/web.cow,/img/root.img", "ubd1=/img/data.img", "root=/dev/ubda",
                "con0=fd:0,fd:1", "con=null", "ssl=null", "quiet", "init=/bin/sh"), UmlCommandLine.of(guest, KERNEL, UML_DIR));
    }

    @Test
    void readOnlyDiskSwapAfterTheDisksInitrdHostfsNetworkAndTheRunlevelForInitLast() {
        GuestConfig guest = guest(new GuestConfig.Boot(Optional.of("single"), Optional.of(Path.of("/img/initrd")), List.of("quiet")),
                List.of(new GuestConfig.Disk(Path.of("/img/root.img"), Optional.of(Path.of("/state/web.cow")), false),
                        new GuestConfig.Disk(Path.of("/dev/sr0"), Optional.empty(), true)),
                List.of(new GuestConfig.Swap(Path.of("/state/web.swap"), 256L << 20)),
                Optional.of(new GuestConfig.HostDir(Path.of("/srv/share"), true)),
                Optional.of(new GuestConfig.Network("br0", "yc-web", "52:54:00:aa:bb:cc")),
                GuestConfig.HostSide.unconfined());

        assertEquals(List.of("/k/linux", "umid=web-1", "hostname=web", "uml_dir=/state/uml", "mem=64M",
                "ubd0=/state/web.cow,/img/root.img", "ubd1r=/dev/sr0", "ubd2=/state/web.swap", "root=/dev/ubda",
                "initrd=/img/initrd", "hostfs=/srv/share", "vec0:transport=tap,ifname=yc-web,mac=52:54:00:aa:bb:cc",
                "con0=fd:0,fd:1", "con=null", "ssl=null", "quiet", "single"), UmlCommandLine.of(guest, KERNEL, UML_DIR));
    }

    @Test
    void aJailedGuestNamesEveryPathFromTheJailsRoot() {
        Path jail = Path.of("/srv/jail/web");
        GuestConfig.HostSide jailed = new GuestConfig.HostSide(Optional.empty(), Optional.of(jail), 0,
                OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty());
        GuestConfig guest = guest(GuestConfig.Boot.plain(),
                List.of(new GuestConfig.Disk(jail.resolve("root.img"), Optional.of(jail.resolve("web.cow")), false)),
                List.of(), Optional.empty(), Optional.empty(), jailed);

        assertEquals(List.of("/linux", "umid=web-1", "hostname=web", "uml_dir=/uml", "mem=64M",
                "ubd0=/web.cow,/root.img", "root=/dev/ubda", "con0=fd:0,fd:1", "con=null", "ssl=null"),
                UmlCommandLine.of(guest, jail.resolve("linux"), jail.resolve("uml")));
    }

    private static GuestConfig guest(GuestConfig.Boot boot, List<GuestConfig.Disk> disks, List<GuestConfig.Swap> swaps,
                                     Optional<GuestConfig.HostDir> hostfs, Optional<GuestConfig.Network> network,
                                     GuestConfig.HostSide host) {
        return new GuestConfig("web", "web-1", Optional.empty(), 64L << 20, boot, disks, swaps, hostfs, network, host,
                GuestConfig.Autostart.off(), Duration.ofSeconds(30), Duration.ofSeconds(20), RestartPolicy.never(), LogSettings.defaults(), java.util.Set.of(), List.of(),
                Path.of("/etc/yucon/guests/web.toml"));
    }
}
