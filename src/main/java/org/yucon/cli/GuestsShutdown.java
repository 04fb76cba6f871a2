package org.yucon.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Guests;
import org.yucon.keeper.KeeperClient;

/**
 * Shuts every running guest down gracefully, each bounded by its {@code shutdown_timeout} (then halted, then killed,
 * as {@link GuestSupervisor#shutdown} does), waits for them, and asks the keeper to end: the demo's Ctrl-C and
 * {@code yucon stop} (what {@code systemctl stop yucon-keeper} runs).
 */
final class GuestsShutdown {
    /** Beyond the longest deadline: the halt's grace and the kill after it. */
    private static final Duration MARGIN = Duration.ofSeconds(10);

    private GuestsShutdown() {
    }

    static void all(Guests guests, KeeperClient keeper, PrintStream out) {
        Duration longest = Duration.ZERO;
        for (GuestSupervisor guest : guests.all()) {
            if (guest.status().state().alive()) {
                out.println(guest.shutdown(false).message());
                longest = longest.compareTo(guest.config().shutdownTimeout()) > 0 ? longest : guest.config().shutdownTimeout();
            }
        }
        Instant deadline = Instant.now().plus(longest).plus(MARGIN);
        while (Instant.now().isBefore(deadline) && guests.all().stream().anyMatch(g -> g.status().state().alive())) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        guests.close();
        try {
            out.println(keeper.quit());
        } catch (IOException e) {
            out.println("yucon: the console keeper did not answer: " + e.getMessage());
        }
    }
}
