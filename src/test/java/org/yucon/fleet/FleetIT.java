package org.yucon.fleet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.yucon.testing.Await;
import org.yucon.testing.Chromium;
import org.yucon.testing.WebClient;
import org.yucon.testing.SshScreen;
import org.yucon.testing.SshUser;
import org.yucon.testing.SshUser.Result;
import org.yucon.testing.TestHost;
import org.yucon.testing.TwoHosts;

/**
 * Two complete hosts on loopback, each its own gateway, keeper, state and host keys, with a real UML guest each:
 * uml1 on uml-host1, uml5 on uml-host2. Everything here goes in at uml-host1, the entry point, and acts on uml-host2.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static TwoHosts hosts;
    private static TestHost host1;
    private static TestHost host2;
    private static SshUser at1;
    private static SshUser at2;

    @BeforeAll
    static void start() throws Exception {
        hosts = TwoHosts.start(dir);
        host1 = hosts.host1();
        host2 = hosts.host2();
        at1 = SshUser.of(host1);
        at2 = SshUser.of(host2);
    }

    @AfterAll
    static void stop() throws IOException {
        try (TwoHosts both = hosts; SshUser u1 = at1; SshUser u2 = at2) {
            // closed in reverse order, each whatever the others do
        }
    }

    @Test
    @Order(1)
    void anOwnerReachesTheirGuestOnAnotherHostThroughTheEntryPoint() throws Exception {
        awaitStatus("uml-host2 uml5 off");
        Result boot = at1.run("uml5", "boot");
        assertEquals(0, boot.status(), "boot through uml-host1: " + boot);
        try (ClientSession s1 = at1.login("uml5"); ClientSession s2 = at2.login("admin");
             SshScreen relayed = SshScreen.open(s1.createExecChannel("console"))) {
            relayed.awaitText("uml5 login:", BOOT_TIMEOUT);
            relayed.press("root\r");
            relayed.awaitText("uml5:/root#", TIMEOUT);
            relayed.press("echo hello-$((6*7))\r");
            relayed.awaitLine("the relayed console answered", TIMEOUT, line -> line.equals("hello-42"));
            try (SshScreen direct = SshScreen.open(s2.createExecChannel("console uml5"))) {
                direct.awaitText("hello-42", TIMEOUT);
                relayed.press("\u0001w");
                relayed.awaitText("2 on the console of uml5:", TIMEOUT);
                List<String> who = relayed.lines().stream().filter(l -> l.contains(" since ")).toList();
                assertTrue(who.get(0).contains("uml5@127.0.0.1:") && who.get(0).contains("via uml-host1"), relayed.describe());
                assertTrue(who.get(1).contains("admin@127.0.0.1:") && !who.get(1).contains("via"), relayed.describe());
            }
            relayed.detach();
        }
        Result status = at1.run("admin", "status");
        assertTrue(status.out().contains("uml-host1 uml1 off\n") && status.out().contains("uml-host2 uml5 running"), status.toString());
        Result json = at1.run("admin", "status --json");
        assertTrue(json.out().contains("{\"host\":\"uml-host1\",\"guest\":\"uml1\"")
                && json.out().contains("{\"host\":\"uml-host2\",\"guest\":\"uml5\",\"state\":\"running\""), json.toString());
        assertEquals(0, at1.run("admin", "shutdown --halt uml5").status(), "a verb through uml-host1 acts on uml-host2");
        Await.until("uml5 halted on uml-host2", TIMEOUT, () -> !host2.guest("uml5").status().state().alive(), () -> "");
        List<String> audit2 = Files.readAllLines(host2.config().gateway().stateDir().resolve("audit.log"));
        assertTrue(audit2.stream().anyMatch(l -> l.contains("user=admin") && l.contains("via_uml-host1") && l.contains("action=shutdown")),
                String.join("\n", audit2));
    }

    @Test
    @Order(2)
    void theHoldingHostDecidesWhatALoginMayDo() throws Exception {
        Result direct = at2.run("frank", "boot uml5");
        Result relayed = at1.run("frank", "boot uml5");
        assertEquals(1, direct.status(), direct.toString());
        assertEquals(direct, relayed, "uml-host2's answer, through uml-host1");
        assertTrue(!host2.guest("uml5").status().state().alive(), "uml5 stayed off");
    }

    @Test
    @Order(2)
    void aPersonTheHoldingHostDoesNotKnowIsRefusedThere() throws Exception {
        Result relayed = at1.run("ghost", "boot uml5");
        assertEquals(new Result(1, "", "Permission denied: uml-host2 has no account ghost\n"), relayed);
        assertTrue(Files.readString(host2.config().gateway().stateDir().resolve("audit.log"))
                .contains("user=ghost from=via_uml-host1 action=relayed-login guest=- result=refused:_no_such_account_here"));
    }

    @Test
    @Order(2)
    void aPeerWithAnotherKeyIsRefusedAndNamedBothWays() throws Exception {
        Path etc3 = TestHost.writeConfig(dir.resolve("h3"), host1.userKey(), List.of());
        String wrong = TwoHosts.hostKey(dir.resolve("h1"));
        TwoHosts.fleet(etc3, "uml-host3", "uml-host2", host2.port(), wrong);
        // the right key for uml-host2, but uml-host2 pins no key of uml-host3's
        Files.writeString(etc3.resolve("yucon.toml"), String.join("\n", "[[peer]]", "name = \"uml-host2b\"",
                "address = \"127.0.0.1\"", "port = " + host2.port(), "host_key = \"" + TwoHosts.hostKey(dir.resolve("h2")) + "\"", ""),
                StandardOpenOption.APPEND);
        try (TestHost host3 = TestHost.serve(dir.resolve("h3"), host1.userKey(), etc3); SshUser at3 = SshUser.of(host3)) {
            String[] seen = {""};
            Await.until("both peers refused on uml-host3", TIMEOUT, () -> {
                try {
                    seen[0] = at3.run("admin", "status").out();
                } catch (IOException e) {
                    seen[0] = e.toString();
                }
                return seen[0].contains("uml-host2 - unreachable (peer uml-host2 at 127.0.0.1:" + host2.port() + " presented host key SHA256:")
                        && seen[0].contains("not the one pinned in yucon.toml")
                        && seen[0].contains("uml-host2b - unreachable");
            }, () -> seen[0]);
            assertTrue(Files.readString(host2.config().gateway().stateDir().resolve("audit.log")).contains("user=@peer")
                    && Files.readString(host2.config().gateway().stateDir().resolve("audit.log")).contains("action=peer-auth"),
                    "uml-host2 logs the unpinned peer");
        }
    }

    @Test
    @Order(2)
    void onlyAPinnedPeerMayRelayOrPoll() throws Exception {
        assertThrows(IOException.class, () -> at2.loginWithPassword(PeerLink.LOGIN, TestHost.PASSWORD).close(), "a password for the peer login");
        assertThrows(IOException.class, () -> at2.login(PeerLink.LOGIN).close(), "a person's key for the peer login");
        assertEquals(2, at2.run("admin", PeerLink.FLEET_GUESTS).status(), "the poll's command, asked by a person");
        // A person naming someone else, as only a peer may: the environment is refused and frank stays frank.
        try (ClientSession frank = at2.login("frank"); ChannelExec exec = frank.createExecChannel("boot uml5")) {
            exec.setEnv(PeerLink.PERSON, "admin");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            exec.setOut(new ByteArrayOutputStream());
            exec.setErr(err);
            exec.open().verify(TIMEOUT);
            exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
            assertEquals(1, exec.getExitStatus(), err.toString(UTF_8));
        }
        assertTrue(!host2.guest("uml5").status().state().alive(), "uml5 stayed off");
    }

    @Test
    @Order(3)
    void anAdminsMenuActsOnAnotherHostsGuestWhereItRuns() throws Exception {
        try (ClientSession admin = at1.login("admin"); SshScreen menu = SshScreen.menu(admin, "xterm", 100, 30)) {
            menu.awaitText("-- uml-host2  load: ", TIMEOUT);
            assertTrue(menu.text().contains("  mem: ") && menu.text().indexOf("uml1 ") < menu.text().indexOf("-- uml-host2"),
                    "this host's guests, then uml-host2's with its figures: " + menu.describe());
            menu.press("/uml5\r");
            menu.awaitLine("uml5 selected under uml-host2", TIMEOUT, l -> l.startsWith("-->uml5 ") && l.contains(" off"));
            menu.press("b");
            menu.awaitText("uml-host2: ", TIMEOUT);
            assertTrue(!menu.text().contains("uml-host2: Error"), menu.describe());
            menu.awaitLine("uml5 running on uml-host2", TIMEOUT, l -> l.startsWith("-->uml5 ") && l.contains(" running"));
            menu.press("t");
            menu.awaitText("top of uml5 at ", TIMEOUT);
            menu.awaitText("linux", TIMEOUT);
            menu.press("q");
            menu.awaitText("-- uml-host2  load: ", TIMEOUT);
            menu.press("\r");
            menu.awaitText("uml5 login:", BOOT_TIMEOUT);
            menu.press("root\r");
            menu.awaitText("uml5:/root#", TIMEOUT);
            menu.press("echo hello-$((6*7))\r");
            menu.awaitLine("the console on uml-host2 answered", TIMEOUT, line -> line.equals("hello-42"));
            try (ClientSession s2 = at2.login("admin"); SshScreen direct = SshScreen.open(s2.createExecChannel("console uml5"))) {
                direct.awaitText("hello-42", TIMEOUT);
                menu.press("\u0001w");
                menu.awaitText("2 on the console of uml5:", TIMEOUT);
                assertTrue(menu.text().contains("via uml-host1"), "one more viewer on uml-host2's hub: " + menu.describe());
            }
            menu.detach();
            menu.awaitText("-- uml-host2  load: ", TIMEOUT);
            menu.press("s");
            menu.awaitText("Shut down uml5 on uml-host2? y - yes", TIMEOUT);
            menu.press("h");
            Await.until("uml5 halted on uml-host2", TIMEOUT, () -> !host2.guest("uml5").status().state().alive(), menu::describe);
            menu.awaitLine("uml5 off on uml-host2", TIMEOUT, l -> l.startsWith("-->uml5 ") && l.contains(" off"));
        }
        List<String> audit2 = Files.readAllLines(host2.config().gateway().stateDir().resolve("audit.log"));
        assertTrue(audit2.stream().anyMatch(l -> l.contains("user=admin") && l.contains("via_uml-host1") && l.contains("action=boot")),
                String.join("\n", audit2));
    }

    /** A peer's guest row as the page drew it: its text and how many buttons it has. */
    private record PeerRow(String text, int buttons) {
    }

    @Test
    @Order(3)
    void anAdminsWebPageShowsEachHostsGuestsUnderItsFiguresReadOnly() throws Exception {
        WebClient http = WebClient.of(host1);
        try (Chromium chromium = Chromium.start(1400, 900)) {
            WebDriver browser = chromium.driver();
            chromium.logIn(http, "admin");
            By peer = By.cssSelector("#fleet section.peer[data-host='uml-host2']");
            Await.until("uml-host2 with its figures and uml5", TIMEOUT, () -> {
                List<WebElement> found = browser.findElements(peer);
                return !found.isEmpty() && found.get(0).getText().contains("Load:") && found.get(0).getText().contains("Memory:")
                        && !browser.findElements(By.cssSelector("tr[data-host='uml-host2'][data-guest='uml5']")).isEmpty();
            }, () -> browser.findElement(By.tagName("body")).getText());
            PeerRow row = chromium.read("uml5's row", page -> {
                WebElement tr = page.findElement(By.cssSelector("tr[data-host='uml-host2'][data-guest='uml5']"));
                return new PeerRow(tr.getText(), tr.findElements(By.tagName("button")).size());
            });
            assertTrue(row.text().contains("uml-host2") && row.text().contains("off"), row.text());
            assertEquals(0, row.buttons(), "read-only: " + row.text());
            assertTrue(chromium.read("the fleet", page -> page.findElement(By.id("fleet")).getText()).contains("shown read-only"),
                    "and says so");
            List<String> own = chromium.read("this host's rows", page -> page.findElements(By.cssSelector("#guests tbody tr"))
                    .stream().map(r -> r.getAttribute("data-guest")).toList());
            assertEquals(List.of("uml1"), own, "this host's guests in its own table");
            // uml5's owner logs in on uml-host1's page too: no other host is shown to a login that is not an admin.
            chromium.logIn(http, "uml5");
            Await.until("uml5's page drawn", TIMEOUT, () -> browser.findElement(By.id("connection")).getText().contains("live: updated"),
                    () -> browser.findElement(By.tagName("body")).getText());
            assertTrue(browser.findElements(By.cssSelector("#fleet section.peer")).isEmpty(), browser.findElement(By.tagName("body")).getText());
        }
    }

    @Test
    @Order(2)
    void psAndTopAreTheHoldingHostsToAllow() throws Exception {
        Result top = at1.run("frank", "top uml5");
        assertEquals(new Result(1, "", "no guest named 'uml5'\n"), top, "uml-host2's answer, through uml-host1");
        assertEquals(2, at2.run("admin", "ps uml5").status(), "ps without a terminal");
    }

    @Test
    @Order(4)
    void aHostThatIsDownShowsWithinTwoSecondsAndComesBack() throws Exception {
        try (ClientSession admin = at1.login("admin"); SshScreen menu = SshScreen.menu(admin, "xterm", 100, 30)) {
            menu.awaitText("-- uml-host2  load: ", TIMEOUT);
            menu.awaitLine("uml5 off", TIMEOUT, l -> l.startsWith("   uml5 ") && l.contains(" off"));
            host2.gateway().close();
            long t0 = System.nanoTime();
            menu.awaitText("-- uml-host2  unreachable (", TIMEOUT);
            long inMenu = (System.nanoTime() - t0) / 1_000_000;
            awaitStatus("uml-host2 - unreachable");
            long shown = (System.nanoTime() - t0) / 1_000_000;
            long s0 = System.nanoTime();
            Result status = at1.run("admin", "status");
            long answered = (System.nanoTime() - s0) / 1_000_000;
            assertTrue(status.out().contains("uml-host1 uml1 off"), "host 1's own guests unaffected: " + status);
            assertTrue(menu.text().contains("uml1 ") && menu.text().contains("Off"), menu.describe());
            System.out.printf("[FleetIT] %s: host 2 shown down in the menu after %d ms, in status after %d ms; status "
                    + "with host 2 down answered in %d ms%n", cpu(), inMenu, shown, answered);
            assertTrue(inMenu < 2000 && shown < 2000, "shown down after " + inMenu + " / " + shown + " ms");
            menu.press("?");
            menu.awaitText("Enter console", TIMEOUT);
            assertTrue(!menu.text().contains("uml5 "), "a host that is down lists no guest to act on: " + menu.describe());
            host2.restartGateway();
            menu.awaitText("-- uml-host2  load: ", Duration.ofSeconds(15));
            awaitStatus("uml-host2 uml5 off");
        }
    }

    private static void awaitStatus(String line) {
        String[] seen = {""};
        Await.until("uml-host1's status shows '" + line + "'", Duration.ofSeconds(15), () -> {
            try {
                seen[0] = at1.run("admin", "status").out();
            } catch (IOException e) {
                seen[0] = e.toString();
            }
            return seen[0].contains(line);
        }, () -> seen[0]);
    }

    private static String cpu() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
    }
}
