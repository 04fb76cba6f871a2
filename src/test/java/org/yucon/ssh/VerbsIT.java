package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.yucon.testing.SshUser.run;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestSupervisor;
import org.yucon.testing.Await;
import org.yucon.testing.SshScreen;
import org.yucon.testing.SshUser;
import org.yucon.testing.SshUser.Result;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.TestHost;

/**
 * Every exec verb as a script meets it, over real SSH against real UML guests: what it prints, its exit status, and
 * for every mistake exactly one line on stderr. uml1 is driven through its life by verbs from its owner's login
 * (which may leave the guest's name out); uml2 is never booted, and its owner's neighbour uml1 must not learn that
 * it exists.
 */
class VerbsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    /** shutdown_timeout is 10 s in TestHost, then halt, then 5 s to SIGKILL. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(25);

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.of("uml1", "uml2");
    private static ClientSession uml1;
    private static ClientSession admin;

    @BeforeAll
    static void start() throws Exception {
        uml1 = gateway.ssh().login("uml1");
        admin = gateway.ssh().login("admin");
    }

    @Test
    void helpListsEveryVerbWithItsUsage() throws Exception {
        Result help = run(uml1, "help");
        assertEquals(0, help.status(), help.toString());
        assertEquals("", help.err(), help.toString());
        for (String usage : List.of("help", "status [--json] [GUEST]", "boot [GUEST]", "shutdown [--halt] [GUEST]",
                "reboot [--hard] [GUEST]", "console [GUEST]", "log [-n LINES] [GUEST]", "sysrq LETTER [GUEST]")) {
            assertTrue(help.out().lines().anyMatch(line -> line.strip().equals(usage)), "help lists '" + usage + "'; " + help);
        }
    }

    @Test
    void statusAsTextAndAsJson() throws Exception {
        Result text = run(admin, "status");
        assertEquals(0, text.status(), text.toString());
        assertEquals(List.of("uml1", "uml2"), text.out().lines().map(line -> line.split(" ")[0]).toList(), text.toString());
        assertTrue(text.out().lines().anyMatch(line -> line.equals("uml2 off")), "uml2 is off; " + text);

        Result one = run(admin, "status uml2");
        assertEquals(new Result(0, "uml2 off\n", ""), one);

        Result json = run(admin, "status --json");
        assertEquals(0, json.status(), json.toString());
        List<?> guests = assertInstanceOf(List.class, TinyJson.parse(json.out()), "a JSON array; " + json);
        assertEquals(2, guests.size(), json.toString());
        for (Object entry : guests) {
            Map<?, ?> guest = assertInstanceOf(Map.class, entry, "an object per guest; " + json);
            assertTrue(guest.keySet().containsAll(Set.of("guest", "state", "pid", "detail", "since", "viewers")), json.toString());
            assertInstanceOf(String.class, guest.get("state"), json.toString());
            assertInstanceOf(Long.class, guest.get("pid"), json.toString());
        }
        Map<?, ?> uml2 = (Map<?, ?>) guests.get(1);
        assertEquals("uml2", uml2.get("guest"), json.toString());
        assertEquals("off", uml2.get("state"), json.toString());
        assertEquals(0L, uml2.get("pid"), json.toString());

        Result own = run(uml1, "status --json");
        List<?> mine = assertInstanceOf(List.class, TinyJson.parse(own.out()), own.toString());
        assertEquals(List.of("uml1"), mine.stream().map(g -> ((Map<?, ?>) g).get("guest")).toList(), "uml1 sees its own; " + own);
    }

    /** uml1's whole life through verbs, from the login that owns it and so needs no guest name. */
    @Test
    void bootLogSysrqRebootsAndShutdowns() throws Exception {
        GuestSupervisor guest = gateway.host().guest("uml1");

        assertEquals(new Result(0, "uml1 is booting\n", ""), run(uml1, "boot"));
        awaitState(guest, GuestState.RUNNING, BOOT_TIMEOUT);
        assertEquals(new Result(0, "uml1 running\n", ""), run(uml1, "status"));
        assertOneLineError(run(uml1, "boot"), 1);

        Await.until("'login:' in the tail of the console log", BOOT_TIMEOUT,
                () -> tail(5).out().contains("login:"), () -> tail(5).toString());
        Result tail = tail(5);
        assertEquals(0, tail.status(), tail.toString());
        assertTrue(newlineLines(tail.out()) <= 5, "at most 5 lines; " + tail);
        Result more = run(uml1, "log");
        assertTrue(more.out().endsWith(tail.out()) && newlineLines(more.out()) > 5, "log without -n shows more; " + more);

        Result sysrq = run(uml1, "sysrq s");
        assertEquals(0, sysrq.status(), sysrq.toString());
        assertTrue(sysrq.out().startsWith("SysRq s sent to uml1") && sysrq.err().isEmpty(), "sysrq says it was sent; " + sysrq);

        long reset = guest.status().pid();
        assertEquals(new Result(0, "uml1 is rebooting (hard)\n", ""), run(uml1, "reboot --hard"));
        Await.until("uml1 running after the reset, as a new UML process (a halt, then a boot)", SHUTDOWN_TIMEOUT.plus(BOOT_TIMEOUT),
                () -> guest.status().state() == GuestState.RUNNING && guest.status().pid() != reset, () -> guest.status().toString());
        long pid = guest.status().pid();

        assertEquals(new Result(0, "uml1 is rebooting: shutting down, then booting\n", ""), run(uml1, "reboot"));
        Await.until("uml1 running as a new UML process", SHUTDOWN_TIMEOUT.plus(BOOT_TIMEOUT),
                () -> guest.status().state() == GuestState.RUNNING && guest.status().pid() != pid, () -> guest.status().toString());

        assertEquals(new Result(0, "uml1 is shutting down\n", ""), run(uml1, "shutdown"));
        awaitState(guest, GuestState.OFF, SHUTDOWN_TIMEOUT);
        assertEquals(0, run(uml1, "boot").status());
        awaitState(guest, GuestState.RUNNING, BOOT_TIMEOUT);
        assertEquals(new Result(0, "uml1 is halting\n", ""), run(uml1, "shutdown --halt"));
        awaitState(guest, GuestState.OFF, SHUTDOWN_TIMEOUT);
        assertNotEquals(0, run(uml1, "log -n 1").out().length(), "the log stays after shutdown");

        for (String refused : List.of("sysrq s", "shutdown", "shutdown --halt", "reboot", "reboot --hard")) {
            assertOneLineError(run(uml1, refused), 1);
        }
    }

    @Test
    void malformedCommandsAreUsageErrorsOfOneLine() throws Exception {
        for (String command : List.of("frob", "status --frob", "shutdown --hard", "boot --halt", "log -n", "log -n x",
                "log -n 0", "log -n -3", "sysrq", "sysrq ab", "sysrq ab uml1", "boot uml1 uml2", "status uml1 uml2", "help me",
                "boot;id", "log -n 5 uml1 uml2")) {
            assertOneLineError(run(admin, command), 2);
            assertOneLineError(run(uml1, command), 2);
        }
        Result console = run(uml1, "console");
        assertOneLineError(console, 2);
        assertTrue(console.err().contains("ssh -t"), console.toString());
        assertEquals(GuestState.OFF, gateway.host().guest("uml2").status().state(), "nothing booted uml2");
    }

    @Test
    void theGuestIsTheProblemIsExitOneOfOneLine() throws Exception {
        // uml2 is never booted: everything but boot is refused, and an admin must name a guest.
        for (String command : List.of("shutdown uml2", "shutdown --halt uml2", "reboot uml2", "reboot --hard uml2", "sysrq s uml2",
                "boot", "shutdown", "sysrq s", "log", "console", "boot nosuch")) {
            assertOneLineError(run(admin, command), 1);
        }
    }

    /** For every verb that takes a guest: uml2 (not uml1's) gets byte for byte the answer of a guest that does not exist. */
    @Test
    void aGuestTheLoginMayNotSeeAnswersLikeNoGuestAtAll() throws Exception {
        for (String verb : List.of("status", "status --json", "boot", "shutdown", "shutdown --halt", "reboot", "reboot --hard",
                "console", "log", "log -n 5", "sysrq s", "sysrq ab")) {
            Result foreign = run(uml1, verb + " uml2");
            Result missing = run(uml1, verb + " nosuch");
            assertEquals(missing.status(), foreign.status(), verb + ": " + foreign + " vs " + missing);
            assertNotEquals(0, foreign.status(), verb + ": " + foreign);
            assertEquals("", foreign.out(), verb + ": " + foreign);
            assertEquals(missing.err().replace("nosuch", "NAME"), foreign.err().replace("uml2", "NAME"), verb);
            assertOneLineError(foreign, foreign.status());
        }
        try (SshScreen console = SshScreen.open(uml1.createExecChannel("console uml2"))) {
            Integer status = console.awaitExit(TIMEOUT);
            assertEquals(1, status, "console uml2 with a terminal; " + console.describe());
            assertTrue(console.describe().contains("no guest named 'uml2'"), console.describe());
        }
        assertEquals(GuestState.OFF, gateway.host().guest("uml2").status().state(), "uml2 must not have been booted");
    }

    private static void assertOneLineError(Result result, int status) {
        assertEquals(status, result.status(), "exit status; " + result);
        assertEquals("", result.out(), "nothing on stdout; " + result);
        assertTrue(result.err().endsWith("\n") && result.err().indexOf('\n') == result.err().length() - 1
                && result.err().length() > 1, "exactly one line on stderr; " + result);
    }

    /** Lines as the log counts them: ended by '\n' (the console's CRs are part of a line), the last one maybe unended. */
    private static long newlineLines(String text) {
        return text.isEmpty() ? 0 : text.chars().filter(c -> c == '\n').count() + (text.endsWith("\n") ? 0 : 1);
    }

    private static Result tail(int lines) {
        try {
            return run(uml1, "log -n " + lines);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitState(GuestSupervisor guest, GuestState state, Duration timeout) {
        Await.until(guest.name() + " " + state, timeout, () -> guest.status().state() == state, () -> guest.status().toString());
    }
}
