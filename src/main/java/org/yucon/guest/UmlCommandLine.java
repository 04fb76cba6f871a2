package org.yucon.guest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yucon.config.GuestConfig;

/** The argv that boots one guest. Pure: the same configuration always gives the same command line. */
public final class UmlCommandLine {
    private UmlCommandLine() {
    }

    /**
     * @param kernel the UML binary
     * @param umlDir where UML keeps {@code UMID/mconsole} and {@code UMID/pid}
     */
    public static List<String> of(GuestConfig guest, Path kernel, Path umlDir) {
        List<String> argv = new ArrayList<>();
        argv.add(kernel.toString());
        argv.add("umid=" + guest.umid());
        // UML keeps umid= to itself; the guest learns its name from hostname= (kernel 5.19+, and the demo image).
        argv.add("hostname=" + guest.name());
        argv.add("uml_dir=" + umlDir);
        argv.add("mem=" + (guest.memoryBytes() >> 20) + "M");
        for (int i = 0; i < guest.disks().size(); i++) {
            GuestConfig.Disk disk = guest.disks().get(i);
            argv.add("ubd" + i + "=" + disk.cow().map(cow -> cow + ",").orElse("") + disk.image());
        }
        argv.add("root=/dev/ubda");
        // The console is our pty on stdin/stdout: we hold its master, so the guest follows the viewer's window size.
        argv.add("con0=fd:0,fd:1");
        argv.add("con=null");
        argv.add("ssl=null");
        argv.addAll(guest.kernelArgs());
        return argv;
    }
}
