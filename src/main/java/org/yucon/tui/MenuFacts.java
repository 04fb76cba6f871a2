package org.yucon.tui;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yucon.control.HostFacts;
import org.yucon.fleet.FleetSight;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestStatus;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.mconsole.GuestStats;
import org.yucon.guest.mconsole.MconsoleException;
import org.yucon.util.Uptime;

/**
 * What every menu shows that is not its own: the host's figures, the clock, and each guest's state and figures,
 * as the menu shows them. Two reads are equal exactly when no menu would show a difference, which is why the
 * clock and uptimes are kept to the minute: figures to the second would make every read differ.
 *
 * @param guests by guest name
 * @param alerts what is wrong with the host as a whole, for admins ({@link org.yucon.guest.Alerts})
 * @param fleet  the other hosts of the fleet, their figures and guests, for admins; none outside a fleet
 */
record MenuFacts(HostFacts host, String clock, Map<String, GuestFacts> guests, List<String> alerts,
                 FleetSight fleet) {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    /**
     * One guest's row, laid out once for all menus: its {@link GuestMenu#COLUMNS} (name, state with uptime or why it
     * stopped, its own load and memory, viewers), then its kernel for a wide menu.
     */
    record GuestFacts(String columns, String kernel) {
        static GuestFacts read(GuestSupervisor guest) {
            GuestStatus status = guest.status();
            Optional<GuestStats> stats = status.state() == GuestState.RUNNING ? stats(guest) : Optional.empty();
            String columns = String.format(GuestMenu.COLUMNS, guest.name(), fit(describe(status, stats), 28),
                    stats.map(GuestFacts::load).orElse(""), stats.map(GuestFacts::memory).orElse(""),
                    guest.console().viewerCount());
            return new GuestFacts(columns, stats.map(GuestStats::kernelRelease).orElse(""));
        }

        private static Optional<GuestStats> stats(GuestSupervisor guest) {
            try {
                return Optional.of(guest.stats());
            } catch (MconsoleException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        private static String describe(GuestStatus status, Optional<GuestStats> stats) {
            String label = status.state().label();
            if (stats.isPresent() && !status.detail().equals(GuestSupervisor.CONSOLE_LOST)) {
                return label + " (up " + uptime(stats.get().uptime()) + ")";
            }
            return status.detail().isEmpty() ? label : label + " (" + status.detail() + ")";
        }

        /** Cuts text to a column, marking the cut, so that the columns after it stay in place. */
        private static String fit(String text, int width) {
            return text.length() <= width ? text : text.substring(0, width - 1) + "~";
        }

        private static String load(GuestStats stats) {
            return String.format("%.2f %.2f %.2f", stats.load().one(), stats.load().five(), stats.load().fifteen());
        }

        private static String memory(GuestStats stats) {
            return stats.memory().usedKib() / 1024 + "/" + stats.memory().totalKib() / 1024 + " MB";
        }
    }

    /** Reads them now; a running guest's figures come from its mconsole (at most once a second, GuestSupervisor). */
    static MenuFacts read(String hostName, List<GuestSupervisor> all, List<String> alerts, FleetSight fleet) {
        Map<String, GuestFacts> guests = new HashMap<>();
        for (GuestSupervisor guest : all) {
            guests.put(guest.name(), GuestFacts.read(guest));
        }
        HostFacts host = HostFacts.read();
        // The fleet's name for this host, as the seed's screens name it and as peers and the status column know it.
        host = new HostFacts(hostName, host.load(), host.memory(), host.kernel(), host.booted());
        return new MenuFacts(host, LocalDateTime.now().format(CLOCK), guests, List.copyOf(alerts), fleet);
    }

    /** The facts of {@code guest}, read now if it came after this read. */
    GuestFacts of(GuestSupervisor guest) {
        GuestFacts facts = guests.get(guest.name());
        return facts != null ? facts : GuestFacts.read(guest);
    }

    /** As uptime(1) says it, to the minute: "7 min", "3:05", "2 days, 3:05". */
    static String uptime(Duration d) {
        return Uptime.of(d);
    }
}
