package org.yucon.tui;

import java.util.List;
import org.yucon.config.GuestConfig;
import org.yucon.control.SettingsLines;
import org.yucon.guest.GuestSupervisor;

/** An admin's read-only view of a guest's settings, as its file gave them. Drawn by the session's steps only. */
final class SettingsView {
    private final GuestSupervisor guest;

    SettingsView(GuestSupervisor guest) {
        this.guest = guest;
    }

    GuestSupervisor guest() {
        return guest;
    }

    void draw(Frame frame) {
        GuestConfig c = guest.config();
        frame.put(0, "settings of " + c.name() + " (" + c.file() + ")", Frame.Style.BOLD);
        List<String> lines = SettingsLines.of(c);
        for (int i = 0; i < lines.size() && 2 + i < frame.rows() - 2; i++) {
            frame.put(2 + i, lines.get(i));
        }
        frame.put(frame.rows() - 1, "q - back (changes to the file count from the guest's next boot)");
    }
}
