package org.yucon.tui;

import java.util.List;
import org.yucon.config.GuestConfig;
import org.yucon.control.GuestActions;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Outcome;
import org.yucon.guest.UmlCommandLine;

/**
 * An admin's hot-plug screen: the disks a guest's file declares as {@code [[hotplug]]}, whether its kernel has
 * each, and a digit key to plug or unplug one. Drawn and driven by the session's steps only.
 */
final class DiskView {
    private final GuestActions actions;
    private final GuestSupervisor guest;
    private String result = "";

    DiskView(GuestActions actions, GuestSupervisor guest) {
        this.actions = actions;
        this.guest = guest;
    }

    GuestSupervisor guest() {
        return guest;
    }

    /** A digit plugs or unplugs that disk; anything else returns to the list (false). */
    boolean key(char c) {
        int n = c - '1';
        List<GuestConfig.Disk> disks = guest.config().hotplug();
        if (n < 0 || n >= disks.size()) {
            return false;
        }
        Outcome outcome = actions.hotplug(guest, n);
        result = outcome.ok() ? outcome.message() : "Error: " + outcome.message();
        return true;
    }

    void draw(Frame frame) {
        GuestConfig config = guest.config();
        String state = guest.status().state().label().toLowerCase();
        frame.put(0, "hot-plug disks of " + guest.name() + " (" + state + ")", Frame.Style.BOLD);
        List<GuestConfig.Disk> disks = config.hotplug();
        for (int i = 0; i < disks.size() && 2 + i < frame.rows() - 3; i++) {
            frame.put(2 + i, String.format("%d  ubd%-3d %-9s %s", i + 1, UmlCommandLine.hotplugIndex(config, i),
                    guest.plugged(i) ? "plugged" : "-", disks.get(i).image()));
        }
        frame.put(frame.rows() - 2, result, Frame.Style.BOLD);
        frame.put(frame.rows() - 1, "1-9 - plug or unplug that disk, any other key - back");
    }
}
