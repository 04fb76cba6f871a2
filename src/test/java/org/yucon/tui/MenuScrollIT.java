package org.yucon.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestSupervisor;
import org.yucon.testing.Await;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.SshScreen;

/**
 * The admin menu of a host with a hundred guests, at 80x24, over real SSH: it scrolls with the selection (arrows,
 * PgUp/PgDn, Home/End), says which rows it shows, and {@code /} finds a guest by name (Enter the first match, n the
 * next, N the one before). Two of the guests run, so that a found row shows a real state.
 */
class MenuScrollIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
    private static final int COLUMNS = 80;
    private static final int ROWS = 24;
    /** 24 rows less the header (2), the headings (1), the keys (2) and the status (2). */
    private static final int LIST_ROWS = 17;
    private static final List<String> GUESTS = IntStream.rangeClosed(1, 100).mapToObj(i -> String.format("g%03d", i)).toList();
    private static final Pattern ROW = Pattern.compile("^(-->|   )(g\\d{3}) ");
    private static final String PAGE_UP = "\u001b[5~";
    private static final String PAGE_DOWN = "\u001b[6~";
    private static final String HOME = "\u001b[H";
    private static final String END = "\u001b[F";

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.of(GUESTS.toArray(String[]::new));

    @BeforeAll
    static void twoRun() {
        for (String name : List.of("g063", "g099")) {
            GuestSupervisor guest = gateway.host().guest(name);
            assertTrue(guest.boot().ok(), "boot " + name);
        }
        for (String name : List.of("g063", "g099")) {
            GuestSupervisor guest = gateway.host().guest(name);
            Await.until(name + " to run", BOOT_TIMEOUT, () -> guest.status().state() == GuestState.RUNNING, () -> guest.status().toString());
        }
    }

    @Test
    void theListScrollsWithTheSelectionAndSaysWhatItShows() throws Exception {
        try (ClientSession session = gateway.ssh().login("admin");
             SshScreen menu = SshScreen.menu(session, "xterm", COLUMNS, ROWS)) {
            awaitShown(menu, 0, 0, "the first screen");
            assertTrue(menu.row(1).endsWith("1-17 of 100"), "which rows are shown; " + menu.describe());
            assertTrue(menu.row(ROWS - 4).startsWith("Options:"), "the keys stay at the bottom; " + menu.describe());

            menu.press("j".repeat(LIST_ROWS));
            awaitShown(menu, 1, LIST_ROWS, "j past the last row scrolls by one");
            assertTrue(menu.row(1).endsWith("2-18 of 100"), menu.describe());

            menu.press(END);
            awaitShown(menu, 100 - LIST_ROWS, 99, "End");
            assertTrue(menu.row(1).endsWith("84-100 of 100"), menu.describe());
            menu.awaitLine("g099's row shows it running", TIMEOUT, line -> line.matches("   g099 +Running.*"));

            menu.press(PAGE_UP);
            awaitShown(menu, 99 - LIST_ROWS, 99 - LIST_ROWS, "PgUp moves the selection a screen up, the list with it");
            menu.press(PAGE_UP);
            awaitShown(menu, 99 - 2 * LIST_ROWS, 99 - 2 * LIST_ROWS, "again");

            menu.press(HOME);
            awaitShown(menu, 0, 0, "Home");
            menu.press(PAGE_DOWN);
            awaitShown(menu, 1, LIST_ROWS, "PgDn");
            menu.press("k");
            awaitShown(menu, 1, LIST_ROWS - 1, "k within the screen does not scroll");
            menu.press(HOME + "k");
            awaitShown(menu, 100 - LIST_ROWS, 99, "k from the top wraps round to the end");
            assertTrue(menu.lines().stream().noneMatch(line -> line.length() > COLUMNS), "nothing wider than 80; " + menu.describe());
        }
    }

    @Test
    void slashFindsAGuestByNameAndNGoesOn() throws Exception {
        try (ClientSession session = gateway.ssh().login("admin");
             SshScreen menu = SshScreen.menu(session, "xterm", COLUMNS, ROWS)) {
            awaitShown(menu, 0, 0, "the first screen");

            menu.press("/g06");
            menu.awaitLine("the prompt", TIMEOUT, line -> line.equals("/g06"));
            menu.press("\r");
            awaitSelected(menu, "g060", "Enter jumps to the first match");
            menu.awaitText("/g06: g060, match 1 of 10 (n - next, N - previous)", TIMEOUT);
            menu.press("nnn");
            awaitSelected(menu, "g063", "n goes to the next match");
            assertTrue(selectedRow(menu).orElse("").matches("-->g063 +Running.*"), "the found guest runs; " + menu.describe());
            menu.press("N");
            awaitSelected(menu, "g062", "N goes back");

            menu.press("/G01\r");
            awaitSelected(menu, "g010", "in any case, from the top");
            menu.press("/zz\r");
            menu.awaitText("Pattern not found: zz", TIMEOUT);
            assertEquals("g010", selectedRow(menu).map(row -> row.substring(3, 7)).orElse(""), "a miss keeps the selection");

            menu.press("/g09\u007f8\r");
            awaitSelected(menu, "g080", "Backspace edits the pattern");
            menu.press("/x\u007f\u007f?");
            menu.awaitText("/ find, q quit", TIMEOUT);
            assertEquals("g080", selectedRow(menu).map(row -> row.substring(3, 7)).orElse(""),
                    "Backspace on an empty prompt cancels, and ? after it is a key again (the help), not a search; " + menu.describe());
        }
    }

    /** Waits until the list shows guest {@code top} (0-based) first, {@code top + 16} last, and selects guest {@code selected}. */
    private static void awaitShown(SshScreen menu, int top, int selected, String what) {
        List<String> expected = GUESTS.subList(top, top + LIST_ROWS);
        String selectedName = GUESTS.get(selected);
        Await.until(what, TIMEOUT, () -> listed(menu).equals(expected) && selectedRow(menu).orElse("").startsWith("-->" + selectedName),
                () -> "expected " + expected.get(0) + "-" + expected.get(LIST_ROWS - 1) + " with " + selectedName + " selected; "
                        + menu.describe());
    }

    private static void awaitSelected(SshScreen menu, String name, String what) {
        Await.until(what, TIMEOUT, () -> selectedRow(menu).orElse("").startsWith("-->" + name + " "),
                () -> "expected " + name + " selected; " + menu.describe());
    }

    private static List<String> listed(SshScreen menu) {
        return menu.lines().stream().map(ROW::matcher).filter(Matcher::find).map(m -> m.group(2)).toList();
    }

    private static Optional<String> selectedRow(SshScreen menu) {
        return menu.lines().stream().filter(line -> line.startsWith("-->")).findFirst();
    }
}
