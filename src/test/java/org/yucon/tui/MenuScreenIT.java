package org.yucon.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestSupervisor;
import org.yucon.testing.Await;
import org.yucon.testing.SshScreen;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.TestHost;

/**
 * The menu as its users see it, through a VT emulator over real SSH against real UML guests: the header, the
 * guest list of each kind of login, boot, reboot (graceful and hard) and shutdown with their questions, ps and
 * top of a real UML, help, live resizing, refreshing when a guest changes state, and the TERMs of the issue.
 * One host for the class; each guest has one job: uml1 is driven through its life from its owner's menu, uml2
 * is booted behind an open admin menu's back, and uml3 is booted for ps and top.
 */
class MenuScreenIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    /** The graceful paths: shutdown_timeout is 10 s in TestHost, then halt, then 5 s to SIGKILL. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(25);
    /** The menus' figures are read every 5 s; a little more for a loaded machine. */
    private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(8);
    private static final int COLUMNS = 100;
    private static final int ROWS = 30;
    private static final Pattern CLOCK = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d");
    private static final Pattern LOAD = Pattern.compile("\\d+\\.\\d\\d \\d+\\.\\d\\d \\d+\\.\\d\\d");

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.of("uml1", "uml2", "uml3");

    @Test
    void adminHeaderNamesAccountHostLoadMemoryAndTimeAndTheListHasEveryGuest() throws Exception {
        try (ClientSession session = gateway.ssh().login("admin");
             SshScreen menu = SshScreen.menu(session, "xterm", COLUMNS, ROWS)) {
            menu.awaitText("Options:", TIMEOUT);
            // The host's figures go to the second row when the first would be too long (a long host name).
            String header = menu.row(0) + "  " + menu.row(1);
            assertTrue(header.startsWith("User: admin  Host: " + InetAddress.getLocalHost().getHostName() + "  "),
                    "the header names account and gateway.host(); " + menu.describe());
            assertTrue(Pattern.compile("load: " + LOAD).matcher(header).find(), "host load in the header; " + menu.describe());
            assertTrue(Pattern.compile("mem: \\d+/\\d+ MB").matcher(header).find(), "an admin sees host memory; " + menu.describe());
            assertTrue(CLOCK.matcher(header).find(), "date and time in the header; " + menu.describe());
            assertEquals(List.of("uml1", "uml2", "uml3"), listedGuests(menu), "admin sees every guest; " + menu.describe());

            menu.press("q");
            assertEquals(0, menu.awaitExit(TIMEOUT), "exit status after q; " + menu.describe());
        }
    }

    @Test
    void aGuestLoginSeesItsGuestOnlyAndNoHostMemory() throws Exception {
        try (ClientSession session = gateway.ssh().login("uml3");
             SshScreen menu = SshScreen.menu(session, "xterm", COLUMNS, ROWS)) {
            menu.awaitText("Options:", TIMEOUT);
            String header = menu.row(0);
            assertTrue(header.startsWith("User: uml3  Host: "), "the header names the account; " + menu.describe());
            assertTrue(CLOCK.matcher(header).find(), "date and time in the header; " + menu.describe());
            assertFalse(header.contains("mem:"), "host memory is for admins; " + menu.describe());
            assertEquals(List.of("uml3"), listedGuests(menu), "uml3 sees its own guest only; " + menu.describe());
        }
    }

    /** uml1's whole life from its owner's menu: boot, viewers, reboot (graceful, then hard), cancel, shut down. */
    @Test
    void bootRebootAndShutDownWithTheirQuestions() throws Exception {
        GuestSupervisor uml1 = gateway.host().guest("uml1");
        try (ClientSession session = gateway.ssh().login("uml1");
             SshScreen menu = SshScreen.menu(session, "xterm", COLUMNS, ROWS)) {
            menu.awaitLine("uml1 Off", TIMEOUT, guestRow("uml1", "Off"));

            menu.press("b");
            menu.awaitLine("uml1 Booting or Running", TIMEOUT, guestRow("uml1", "(Booting|Running)"));
            menu.awaitLine("uml1 Running with uptime, load, memory and no viewer", BOOT_TIMEOUT, runningRow("uml1", "0"));

            // A viewer elsewhere is counted at the next refresh, without a key.
            try (ClientSession other = gateway.ssh().login("admin");
                 SshScreen console = SshScreen.menu(other, "xterm", COLUMNS, ROWS)) {
                console.press("\r");
                console.awaitArrived("[yucon] console of uml1", TIMEOUT);
                menu.awaitLine("uml1 with one viewer", REFRESH_TIMEOUT, runningRow("uml1", "1"));
            }

            long firstPid = uml1.status().pid();
            menu.press("r");
            menu.awaitText("Reboot uml1? y - yes, h - reset now (hard), any other key - no", TIMEOUT);
            menu.press("y");
            menu.awaitText("uml1 is rebooting: shutting down, then booting", TIMEOUT);
            menu.awaitLine("uml1 Stopping, Off or Booting", TIMEOUT, guestRow("uml1", "(Stopping|Off|Booting)"));
            menu.awaitLine("uml1 Running again", SHUTDOWN_TIMEOUT.plus(BOOT_TIMEOUT), guestRow("uml1", "Running"));
            long secondPid = uml1.status().pid();
            assertNotEquals(firstPid, secondPid, "a graceful reboot is a new UML process");

            menu.press("r");
            menu.awaitText("Reboot uml1?", TIMEOUT);
            menu.press("h");
            menu.awaitText("uml1 is rebooting (hard)", TIMEOUT);
            menu.awaitLine("uml1 Running after the reset", BOOT_TIMEOUT, guestRow("uml1", "Running"));
            assertNotEquals(secondPid, uml1.status().pid(), "a hard reset is a halt, then a boot: a new UML process");

            menu.press("s");
            menu.awaitText("Shut down uml1? y - yes, h - halt now (hard), any other key - no", TIMEOUT);
            menu.press("x");
            menu.awaitText("Shut down of uml1 cancelled", TIMEOUT);
            assertEquals(GuestState.RUNNING, uml1.status().state(), "a cancelled shutdown leaves uml1 running");

            menu.press("s");
            menu.awaitText("Shut down uml1?", TIMEOUT);
            menu.press("y");
            menu.awaitText("uml1 is shutting down", TIMEOUT);
            menu.awaitLine("uml1 Off", SHUTDOWN_TIMEOUT, guestRow("uml1", "Off"));
        }
        // The menu's actions are the verbs' actions, audited the same way; the cancelled shutdown is not among them.
        List<String> expected = List.of("action=boot guest=uml1 result=ok channel=ssh", "action=reboot guest=uml1 result=ok channel=ssh",
                "action=reboot guest=uml1 result=ok channel=ssh", "action=shutdown guest=uml1 result=ok channel=ssh");
        Await.until("the menu's four actions in the audit log", TIMEOUT, () -> menuActions().equals(expected),
                () -> String.join("\n", menuActions()));
    }

    /** What uml1's owner did to guests, as the audit log says it. */
    private static List<String> menuActions() {
        try {
            return Files.readAllLines(gateway.host().config().gateway().stateDir().resolve("audit.log")).stream()
                    .filter(line -> line.contains(" user=uml1 ") && line.contains(" guest=uml1 "))
                    .map(line -> line.substring(line.indexOf("action="))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ps and top of uml3 as its owner sees them: its UML and that UML's children only, with the guest's figures. */
    @Test
    void psAndTopShowTheGuestsProcessesOnTheHost() throws Exception {
        GuestSupervisor uml3 = gateway.host().guest("uml3");
        assertTrue(uml3.boot().ok(), "uml3 boots");
        Await.until("uml3 running", BOOT_TIMEOUT, () -> uml3.status().state() == GuestState.RUNNING, () -> uml3.status().toString());
        long pid = uml3.status().pid();
        try (ClientSession session = gateway.ssh().login("uml3"); SshScreen menu = SshScreen.menu(session, "xterm", 80, 24)) {
            menu.awaitLine("uml3 Running", TIMEOUT, guestRow("uml3", "Running"));

            menu.press("p");
            menu.awaitText("ps of uml3:", TIMEOUT);
            menu.awaitLine("the UML's own pid", TIMEOUT, processRow(pid));
            // Under 6.1 the UML's children carry its name and command line, under newer kernels a name of their own:
            // either way they are shown for what they are.
            menu.awaitLine("a [uml-userspace] process", TIMEOUT, line -> line.endsWith("[uml-userspace]"));
            // At 80 columns the summary may take two rows; it must not be cut.
            String summary = menu.row(0) + " " + menu.row(1);
            assertTrue(Pattern.compile("^ps of uml3: load " + LOAD + ", \\d+/\\d+ processes running, memory \\d+/\\d+ MB,\\s+kernel \\S+")
                    .matcher(summary).find(), "the guest's own summary heads the screen; " + menu.describe());
            Map<Long, String> shown = listedWhileAlive(menu);
            int judged = 0;
            for (Map.Entry<Long, String> row : shown.entrySet()) {
                long listed = row.getKey();
                boolean ours = listed == pid || descendsFrom(listed, pid);
                // A guest process may end between the listing and this look at /proc: it can no longer be judged.
                if (!ours && ProcessHandle.of(listed).isEmpty()) {
                    continue;
                }
                judged++;
                assertTrue(ours, "pid " + listed + " is not uml3's; " + menu.describe());
                assertTrue(listed == pid || List.of("[uml-userspace]", "[uml-helper]").contains(row.getValue()),
                        "pid " + listed + " is a UML process named for what it is; " + menu.describe());
            }
            assertTrue(judged >= 2, "the UML and at least one of its children were judged; " + menu.describe());
            String commandLine = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
            assertTrue(commandLine.startsWith(shown.get(pid)), "the UML is shown by its command line (cut at the screen's"
                    + " edge) " + commandLine + "; " + menu.describe());

            menu.press("q");
            menu.awaitText("Options:", TIMEOUT);

            menu.press("t");
            menu.awaitText("top of uml3 at ", TIMEOUT);
            menu.awaitLine("the UML's own pid in top", TIMEOUT, processRow(pid));
            String first = menu.text();
            // Under 5 s: the menu's own refresh must not be what redraws it; top asks for one every second, and its
            // title's clock moves on even when the guest is quiet.
            Await.until("top to redraw by itself", Duration.ofMillis(4500), () -> !menu.text().equals(first),
                    () -> "first:\n" + first + "\nnow: " + menu.describe());
            menu.press("q");
            menu.awaitText("Options:", TIMEOUT);
            menu.awaitNoText("top of uml3", TIMEOUT);
        }
    }

    @Test
    void questionMarkShowsTheKeysOnTheStatusLine() throws Exception {
        try (ClientSession session = gateway.ssh().login("uml3"); SshScreen menu = SshScreen.menu(session, "xterm", 80, 24)) {
            menu.awaitText("Options:", TIMEOUT);
            menu.press("?");
            menu.awaitText("b boot", TIMEOUT);
            String help = menu.text().substring(menu.text().indexOf("b boot"));
            for (String key : List.of("r reboot", "s shutdown", "p ps", "t top", "q quit")) {
                assertTrue(help.contains(key), "the help names '" + key + "' within 80 columns; " + menu.describe());
            }
        }
    }

    @Test
    void anAdminReadsAGuestsSettingsAndAnOwnerMayNot() throws Exception {
        try (ClientSession session = gateway.ssh().login("admin"); SshScreen menu = SshScreen.menu(session, "xterm", 100, 30)) {
            menu.awaitText("Options:", TIMEOUT);
            menu.press("i");
            menu.awaitText("settings of uml1", TIMEOUT);
            menu.awaitText("ubd0: ", TIMEOUT);
            menu.awaitText("memory 128 MB", TIMEOUT);
            menu.press("q");
            menu.awaitText("Options:", TIMEOUT);
            menu.press("d");
            menu.awaitText("uml1 declares no [[hotplug]] disks", TIMEOUT);
        }
        try (ClientSession session = gateway.ssh().login("uml3"); SshScreen menu = SshScreen.menu(session, "xterm", 100, 30)) {
            menu.awaitText("Options:", TIMEOUT);
            menu.press("i");
            menu.awaitText("settings are for admins", TIMEOUT);
            menu.press("d");
            menu.awaitText("hot-plugging disks is for admins", TIMEOUT);
        }
    }

    @Test
    void resizingLaysTheMenuOutAgain() throws Exception {
        try (ClientSession session = gateway.ssh().login("admin");
             SshScreen menu = SshScreen.menu(session, "xterm", COLUMNS, ROWS)) {
            awaitLaidOut(menu);

            for (int[] size : new int[][] {{80, 24}, {132, 43}, {80, 24}}) {
                menu.resize(size[0], size[1]);
                awaitLaidOut(menu);
            }
        }
    }

    @Test
    void aGuestChangingStateIsShownWithoutAKey() throws Exception {
        GuestSupervisor uml2 = gateway.host().guest("uml2");
        try (ClientSession session = gateway.ssh().login("admin");
             SshScreen menu = SshScreen.menu(session, "xterm", COLUMNS, ROWS)) {
            menu.awaitLine("uml2 Off", TIMEOUT, guestRow("uml2", "Off"));

            assertTrue(uml2.boot().ok(), "uml2 boots");
            // Well within the 5 s tick: the change itself redraws.
            menu.awaitLine("uml2 Booting or Running", Duration.ofSeconds(2), guestRow("uml2", "(Booting|Running)"));
            menu.awaitLine("uml2 Running", BOOT_TIMEOUT, guestRow("uml2", "Running"));

            assertTrue(uml2.shutdown(true).ok(), "uml2 halts");
            menu.awaitLine("uml2 Stopping or Off", Duration.ofSeconds(2), guestRow("uml2", "(Stopping|Off)"));
            menu.awaitLine("uml2 Off", SHUTDOWN_TIMEOUT, guestRow("uml2", "Off"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"xterm", "xterm-256color", "vt100", "screen", "tmux"})
    void theMenuRendersOnEveryTerm(String term) throws Exception {
        try (ClientSession session = gateway.ssh().login("admin"); SshScreen menu = SshScreen.menu(session, term, 80, 24)) {
            menu.awaitText("Options:", TIMEOUT);
            assertTrue(menu.row(0).startsWith("User: admin"), "header on TERM=" + term + "; " + menu.describe());
            assertEquals(List.of("uml1", "uml2", "uml3"), listedGuests(menu), "the list on TERM=" + term + "; " + menu.describe());
            assertTrue(menu.row(20).startsWith("Options:"), "Options 4 rows from the bottom on TERM=" + term + "; " + menu.describe());
            menu.press("q");
            assertEquals(0, menu.awaitExit(TIMEOUT), "exit status after q on TERM=" + term + "; " + menu.describe());
        }
    }

    /** Waits until the menu is laid out for the screen's size: the old frame may linger a moment after a resize. */
    private static void awaitLaidOut(SshScreen menu) {
        Await.until("the menu laid out for " + menu.columns() + "x" + menu.rows(), TIMEOUT,
                () -> layoutProblem(menu).isEmpty(), () -> layoutProblem(menu).orElse("") + "; " + menu.describe());
    }

    /** What any size must show: the whole header, every guest, the options 4 rows from the bottom, nothing cut. */
    private static Optional<String> layoutProblem(SshScreen menu) {
        if (!menu.row(0).startsWith("User: admin")) {
            return Optional.of("no header at the top");
        }
        if (!CLOCK.matcher(menu.row(0)).find() || !(menu.row(0) + "  " + menu.row(1)).contains("mem: ")) {
            return Optional.of("the header is cut");
        }
        if (!listedGuests(menu).equals(List.of("uml1", "uml2", "uml3"))) {
            return Optional.of("not every guest is listed");
        }
        if (!menu.row(menu.rows() - 4).startsWith("Options:") || !menu.row(menu.rows() - 3).endsWith("q - Quit")) {
            return Optional.of("the options are not 4 rows from the bottom, whole");
        }
        if (menu.lines().stream().anyMatch(line -> line.length() > menu.columns())) {
            return Optional.of("a line is wider than the screen");
        }
        return Optional.empty();
    }

    /** The guest names of the list's rows, top to bottom. */
    private static List<String> listedGuests(SshScreen menu) {
        Pattern row = Pattern.compile("^(?:-->|   )(uml\\d+) ");
        return menu.lines().stream().map(row::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
    }

    /** A row of the guest list: selection marker or blanks, the name, then the state's label. */
    private static Predicate<String> guestRow(String guest, String label) {
        return Pattern.compile("^(-->|   )" + Pattern.quote(guest) + " +" + label + "\\b").asPredicate();
    }

    /** A running guest's row at 100 columns: uptime (to the minute), load averages, memory used/total, viewers, kernel. */
    private static Predicate<String> runningRow(String guest, String viewers) {
        return Pattern.compile("^(-->|   )" + Pattern.quote(guest) + " +Running \\(up (\\d+ min|\\d+:\\d\\d)\\) +" + LOAD
                + " +\\d+/\\d+ MB +" + viewers + " +\\d+\\.\\d+\\S*$").asPredicate();
    }

    /** A row of ps or top for {@code pid}: pid, state, CPU%, RSS, command. */
    private static Predicate<String> processRow(long pid) {
        return Pattern.compile("^ *" + pid + " [A-Z] +\\d+\\.\\d +\\d+K  \\S").asPredicate();
    }

    /** The rows of ps: pid and command, in screen order; a traced process's state is a small letter (t). */
    /**
     * The processes listed, from a listing whose processes all still live: the guest starts and ends short-lived
     * processes, and a pid that has gone can no longer be traced to its parent. {@code p} lists them again.
     */
    private static Map<Long, String> listedWhileAlive(SshScreen menu) throws Exception {
        Map<Long, String> shown = listedProcesses(menu);
        for (int again = 0; again < 5 && !shown.keySet().stream().allMatch(pid -> ProcessHandle.of(pid).isPresent()); again++) {
            String before = menu.text();
            menu.press("p");
            Await.until("ps to list again", TIMEOUT, () -> !menu.text().equals(before), menu::describe);
            shown = listedProcesses(menu);
        }
        return shown;
    }

    private static Map<Long, String> listedProcesses(SshScreen menu) {
        Pattern row = Pattern.compile("^ *(\\d+) [A-Za-z] +\\d+\\.\\d +\\d+K  (.*?) *$");
        Map<Long, String> rows = new LinkedHashMap<>();
        menu.lines().stream().map(row::matcher).filter(Matcher::find)
                .forEach(m -> rows.put(Long.parseLong(m.group(1)), m.group(2)));
        return rows;
    }

    private static boolean descendsFrom(long pid, long ancestor) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        while (p.isPresent()) {
            if (p.get().pid() == ancestor) {
                return true;
            }
            p = p.get().parent();
        }
        return false;
    }
}
