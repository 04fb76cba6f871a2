package org.yucon.guest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yucon.config.GuestConfig;

/**
 * The argv that boots one guest. Pure: the same configuration always gives the same command line.
 *
 * <p>The guest sees its block devices in this order: the {@code [[disk]]}s as ubda, ubdb, ... (ubd0, ubd1, ...), then
 * the {@code [[swap]]} files. A jailed UML is started inside its jail, so its paths are given relative to the jail.
 */
public final class UmlCommandLine {
    private UmlCommandLine() {
    }

    /**
     * @param kernel the UML binary
     * @param umlDir where UML keeps {@code UMID/mconsole} and {@code UMID/pid}, as the host sees it
     */
    /**
     * The ubd setting of one disk as UML takes it on its command line and through mconsole {@code config}:
     * {@code ubdN[r]=[COW,]IMAGE}.
     */
    public static String device(GuestConfig guest, int index, GuestConfig.Disk disk) {
        Optional<Path> jail = guest.host().jail();
        String cow = disk.cow().map(c -> inside(jail, c) + ",").orElse("");
        return "ubd" + index + (disk.readOnly() ? "r" : "") + "=" + cow + inside(jail, disk.image());
    }

    /** The ubd index of the {@code n}th hot-plug disk: after the disks and the swaps. */
    public static int hotplugIndex(GuestConfig guest, int n) {
        return guest.disks().size() + guest.swaps().size() + n;
    }

    public static List<String> of(GuestConfig guest, Path kernel, Path umlDir) {
        Optional<Path> jail = guest.host().jail();
        List<String> argv = new ArrayList<>();
        argv.add(inside(jail, kernel));
        argv.add("umid=" + guest.umid());
        // UML keeps umid= to itself; the guest learns its name from hostname= (kernel 5.19+, and the demo image).
        argv.add("hostname=" + guest.name());
        argv.add("uml_dir=" + inside(jail, umlDir));
        argv.add("mem=" + (guest.memoryBytes() >> 20) + "M");
        int ubd = 0;
        for (GuestConfig.Disk disk : guest.disks()) {
            argv.add(device(guest, ubd++, disk));
        }
        for (GuestConfig.Swap swap : guest.swaps()) {
            argv.add("ubd" + ubd++ + "=" + inside(jail, swap.file()));
        }
        argv.add("root=/dev/ubda");
        guest.boot().initrd().ifPresent(initrd -> argv.add("initrd=" + inside(jail, initrd)));
        // A read-only hostfs is the same directory: the keeper bind-mounts it read-only where only this UML sees it.
        guest.hostfs().ifPresent(hostfs -> argv.add("hostfs=" + inside(jail, hostfs.dir())));
        guest.network().ifPresent(net -> argv.add("vec0:transport=tap,ifname=" + net.tap() + ",mac=" + net.mac()));
        // The console is our pty on stdin/stdout: we hold its master, so the guest follows the viewer's window size.
        argv.add("con0=fd:0,fd:1");
        argv.add("con=null");
        argv.add("ssl=null");
        argv.addAll(guest.boot().kernelArgs());
        // Words the kernel does not know go to init: busybox and sysvinit take "single" or a runlevel this way.
        guest.boot().runlevel().ifPresent(argv::add);
        return argv;
    }

    /** The path as the UML sees it: from the jail's root when it is jailed. */
    static String inside(Optional<Path> jail, Path path) {
        return jail.map(j -> "/" + j.relativize(path)).orElse(path.toString());
    }
}
