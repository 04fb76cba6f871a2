package org.yucon.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestSupervisor;
import org.yucon.testing.Await;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.RawConsole;
import org.yucon.testing.SshScreen;
import org.yucon.testing.SshUser;
import org.yucon.testing.SshUser.Result;
import org.yucon.util.Printable;

/**
 * What a guest chooses reaches an admin only as printable text. uml1's root sets, on the guest's own console, a
 * hostname with a space, an 8-bit CSI (U+009B, "2J": erase the screen) and a right-to-left override. mconsole's
 * {@code version} answers "Linux HOSTNAME RELEASE ...", so a kernel column taken from it by position showed
 * "b CSI 2J RLO x", which erased the admin's menu. The menu's kernel column, ps, and the status and sysrq verbs
 * must show the kernel's release and printable text only. (Task names reach a SysRq answer only with t or w, and
 * both make this host's UML 6.1 fault while it walks a task's stack, so the sysrq verb is asked what it can answer.)
 */
class GuestTextIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    /** Typed into the guest's shell as octal escapes: "a b", CSI "2J" (erase the screen), RLO, "x". */
    private static final String HOSTNAME_OCTAL = "a b\\302\\2332J\\342\\200\\256x";
    private static final String HOSTNAME = "a b\u009b2J\u202ex";

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.of("uml1");
    /** What {@code uname -r} says in the guest. */
    private static String release;

    @BeforeAll
    static void bootAndChooseTheText() throws Exception {
        GuestSupervisor uml1 = gateway.host().guest("uml1");
        assertTrue(uml1.boot().ok(), "uml1 boots");
        Await.until("uml1 running", BOOT_TIMEOUT, () -> uml1.status().state() == GuestState.RUNNING, () -> uml1.status().toString());
        try (RawConsole console = gateway.ssh().console("uml1", 100, 30)) {
            long login = console.awaitText("uml1 login:", 0, BOOT_TIMEOUT);
            console.type("root\r");
            console.awaitText("# ", login, TIMEOUT);
            long from = console.position();
            console.type("printf '" + HOSTNAME_OCTAL + "' > /proc/sys/kernel/hostname; echo release-$(uname -r)-$(hostname | wc -c)\r");
            Matcher done = console.awaitMatch(Pattern.compile("release-(\\S+)-(\\d+)\r"), from, TIMEOUT);
            release = done.group(1);
            assertEquals(String.valueOf(HOSTNAME.getBytes(StandardCharsets.UTF_8).length + 1), done.group(2),
                    "the guest took the hostname; " + console.describe(from));
            console.detach(TIMEOUT);
        }
    }

    @Test
    void theAdminMenusKernelColumnIsTheKernelsReleaseAndNoPartOfTheHostname() throws Exception {
        try (ClientSession session = gateway.ssh().login("admin");
             SshScreen menu = SshScreen.menu(session, "xterm", 120, 30)) {
            Pattern running = Pattern.compile("^(?:-->|   )uml1 +Running \\(up [^)]*\\) .* (\\S+)$");
            menu.awaitLine("uml1 Running with its kernel", TIMEOUT, line -> running.matcher(line).matches());
            Matcher row = menu.lines().stream().map(running::matcher).filter(Matcher::matches).findFirst().orElseThrow();
            assertEquals(release, row.group(1), "the kernel column; " + menu.describe());
            assertPrintable(menu.text(), "the menu; " + menu.describe());

            menu.press("p");
            menu.awaitText("ps of uml1:", TIMEOUT);
            menu.awaitText("kernel " + release, TIMEOUT);
            assertPrintable(menu.text(), "ps; " + menu.describe());
        }
    }

    @Test
    void theGuestsOwnFiguresNameItsKernelRelease() throws Exception {
        assertEquals(release, gateway.host().guest("uml1").stats().kernelRelease());
    }

    @Test
    void statusAndSysrqAnswerInPrintableText() throws Exception {
        try (ClientSession admin = gateway.ssh().login("admin")) {
            Result status = SshUser.run(admin, "status");
            assertEquals(new Result(0, "uml1 running\n", ""), status);

            Result json = SshUser.run(admin, "status --json");
            assertPrintable(json.out(), json.toString());
            assertTrue(json.out().startsWith("[{\"host\":") && json.out().contains("\"guest\":\"uml1\",\"state\":\"running\""),
                    json.toString());

            Result sysrq = SshUser.run(admin, "sysrq s uml1");
            assertEquals(0, sysrq.status(), sysrq.toString());
            assertTrue(sysrq.out().startsWith("SysRq s sent to uml1: sysrq: Emergency Sync"), sysrq.toString());
            assertPrintable(sysrq.out(), sysrq.toString());
        }
    }

    private static void assertPrintable(String text, String where) {
        Optional<String> bad = text.codePoints().filter(c -> c != '\n' && !Printable.isSafe(c))
                .mapToObj(c -> String.format("U+%04X", c)).findFirst();
        assertTrue(bad.isEmpty(), bad.orElse("") + " reached the terminal: " + where);
    }
}
