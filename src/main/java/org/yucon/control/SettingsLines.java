package org.yucon.control;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.yucon.config.GuestConfig;

/** A guest's settings as its file gave them, in a few lines of text, for an admin's eyes. */
public final class SettingsLines {
    private SettingsLines() {
    }

    public static List<String> of(GuestConfig c) {
        List<String> lines = new ArrayList<>();
        lines.add("memory " + (c.memoryBytes() >> 20) + " MB, umid " + c.umid() + ", kernel "
                + c.kernel().map(Object::toString).orElse("(the gateway's)"));
        lines.add("boot: runlevel " + c.boot().runlevel().orElse("(default)") + ", initrd "
                + c.boot().initrd().map(Object::toString).orElse("none") + ", arguments " + String.join(" ", c.boot().kernelArgs()));
        for (int i = 0; i < c.disks().size(); i++) {
            GuestConfig.Disk d = c.disks().get(i);
            lines.add("ubd" + i + ": " + d.image() + d.cow().map(cow -> " with COW " + cow).orElse("")
                    + (d.readOnly() ? ", read-only" : ""));
        }
        for (GuestConfig.Swap s : c.swaps()) {
            lines.add("swap: " + s.file() + " (" + (s.bytes() >> 20) + " MB)");
        }
        c.hostfs().ifPresent(h -> lines.add("hostfs: " + h.dir() + (h.readOnly() ? ", read-only" : ", read-write")));
        lines.add("network: " + c.network().map(n -> "tap " + n.tap() + " on bridge " + n.bridge() + ", MAC " + n.mac()).orElse("none"));
        GuestConfig.HostSide h = c.host();
        lines.add("host: user " + h.user().orElse("root") + ", jail " + h.jail().map(Object::toString).orElse("none")
                + ", nice " + h.nice() + ", cpu " + (h.cpuPercent().isPresent() ? h.cpuPercent().getAsInt() + "%" : "uncapped")
                + ", memory " + mib(h.memoryMax()) + ", read " + mib(h.readBps()) + "/s, write " + mib(h.writeBps()) + "/s");
        lines.add("autostart " + (c.autostart().enabled() ? "order " + c.autostart().order() + ", then "
                + c.autostart().delay().toSeconds() + " s" : "off") + "; restart " + c.restart().when().name().toLowerCase()
                + " (at most " + c.restart().max() + " in " + c.restart().window().toSeconds() + " s)"
                + "; shutdown within " + c.shutdownTimeout().toSeconds() + " s");
        lines.add("log " + (c.log().enabled() ? "rotated at " + (c.log().rotateBytes() >> 20) + " MB, " + c.log().keep() + " kept" : "off")
                + "; watchers " + (c.watchers().isEmpty() ? "none" : String.join(", ", c.watchers())));
        return lines;
    }

    private static String mib(OptionalLong bytes) {
        return bytes.isPresent() ? (bytes.getAsLong() >> 20) + " MB" : "unlimited";
    }
}
