package org.yucon.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.yucon.testing.Await;
import org.yucon.testing.Chromium;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.OpenSsh;
import org.yucon.testing.SshScreen;
import org.yucon.testing.TestHost;
import org.yucon.testing.Tmux;
import org.yucon.testing.Uml;
import org.yucon.testing.WebClient;
import org.yucon.testing.YuconCommand;

/**
 * The console in the browser against a real gateway and a real UML guest, in Debian's headless Chromium (as
 * {@link WebPageIT}), beside a MINA SSH viewer, OpenSSH's client in tmux and a second browser of a login that may
 * only watch on the same console, and over a plain WebSocket client for what a browser would never send. One
 * gateway, one guest and one browser for all, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebConsoleIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(40);
    private static final String PATH = "/ws/console/uml1";
    /** The tmux session in which OpenSSH's client runs. */
    private static final String PANE = "openssh";

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.startedBy(dir -> TestHost.startGuests(dir, Uml.image(),
            Map.of("uml1", List.of("read_only = [\"uml2\"]"), "uml2", List.of())));
    private static WebClient http;
    private static Chromium chromium;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        TestHost host = gateway.host();
        assertTrue(host.guest("uml1").boot().ok(), "uml1 boots");
        http = WebClient.of(host);
        chromium = Chromium.start(1200, 800);
        browser = chromium.driver();
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    @Order(1)
    void anUpgradeWithoutSessionOriginOrTokenIsRefusedAndOneWithAllThreeOpens() throws Exception {
        String cookie = http.login("uml1", TestHost.PASSWORD);
        String csrf = http.csrf(cookie);
        List<String> good = List.of(ConsoleProtocol.NAME, ConsoleProtocol.TOKEN_PREFIX + csrf);
        Optional<String> origin = Optional.of(http.origin());
        assertRefused(http.socket(PATH, Optional.empty(), origin, good, new Collect()), 401);
        assertRefused(http.socket(PATH, Optional.of(cookie), Optional.of("https://evil.example"), good, new Collect()), 403);
        assertRefused(http.socket(PATH, Optional.of(cookie), Optional.empty(), good, new Collect()), 403);
        assertRefused(http.socket(PATH, Optional.of(cookie), origin, List.of(ConsoleProtocol.NAME), new Collect()), 403);
        assertRefused(http.socket(PATH, Optional.of(cookie), origin,
                List.of(ConsoleProtocol.NAME, ConsoleProtocol.TOKEN_PREFIX + csrf + "x"), new Collect()), 403);
        assertRefused(http.socket("/ws/console/uml9", Optional.of(cookie), origin, good, new Collect()), 404);

        java.net.http.HttpResponse<String> page = http.get("/console/uml1", Optional.of(cookie));
        assertEquals(200, page.statusCode());
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"), csp);
        assertFalse(page.body().contains("<script>"), "no inline script");
        assertEquals(404, http.get("/console/uml9", Optional.of(cookie)).statusCode());

        Collect output = new Collect();
        WebSocket socket = http.socket(PATH, Optional.of(cookie), origin, good, output).get(10, TimeUnit.SECONDS);
        assertEquals(ConsoleProtocol.NAME, socket.getSubprotocol());
        Await.until("the console's first line", TIMEOUT, () -> output.text().contains("console of uml1"), output::text);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        awaitAudit("user=uml1", "action=console-attach", "guest=uml1", "channel=web");
        awaitAudit("user=uml1", "action=console-detach", "guest=uml1", "channel=web");
    }

    @Test
    @Order(2)
    void theBrowserLogsInTypesFollowsTheWindowAndSharesTheConsoleWithAnSshViewer() throws Exception {
        chromium.logIn(http, "uml1");
        browser.get(http.origin() + "/console/uml1");
        awaitTerminal("attached", s -> browser.findElement(By.id("console-state")).getText().equals("attached"));
        type("\n");
        awaitTerminal("the login prompt", s -> s.contains("uml1 login:"));
        type("root\n");
        awaitTerminal("the shell", s -> s.contains("uml1:/root#"));
        type("echo hello-$((6*7))\n");
        awaitTerminal("hello-42", s -> s.contains("\nhello-42"));

        browser.manage().window().setSize(new Dimension(800, 600));
        type("stty size\n");
        String small = awaitSize();
        browser.manage().window().setSize(new Dimension(1200, 800));
        type("clear; stty size\n");
        Await.until("the tty follows the window", TIMEOUT, () -> !awaitSize().equals(small), WebConsoleIT::terminal);

        try (ClientSession session = gateway.ssh().login("uml1");
             SshScreen ssh = SshScreen.open(session.createExecChannel("console uml1"))) {
            ssh.awaitText("read-only", TIMEOUT);
            type("echo both-$((2*3))\n");
            ssh.awaitLine("the SSH viewer sees the browser's command", TIMEOUT, line -> line.equals("both-6"));
            awaitTerminal("both-6", s -> s.contains("\nboth-6"));
            ssh.press("echo ssh-keys\r");
            ssh.awaitText("your keys do not reach uml1", TIMEOUT);
            // One who list for both fronts, each viewer named with its channel: ^A w over SSH, Who on the page.
            ssh.press("\u0001w");
            ssh.awaitText("2 on the console of uml1:", TIMEOUT);
            assertWho(ssh.lines(), "web", "writer", "ssh", "read-only (you)");
            browser.findElement(By.cssSelector("button[data-key=w]")).click();
            awaitTerminal("the page's who list", s -> s.contains("2 on the console of uml1:"));
            assertWho(List.of(terminal().split("\n")), "web", "writer (you)", "ssh", "read-only");

            // The SSH viewer forces write: the browser is told by whom and its keys stop reaching the guest.
            ssh.press("\u0001f");
            ssh.awaitText("you write now", TIMEOUT);
            awaitTerminal("told of the force", s -> s.matches("(?s).*read-only now: uml1@127\\.0\\.0\\.1:\\d+ \\(ssh\\) forced write.*"));
            type("echo web-ro\n");
            awaitTerminal("told its keys go nowhere", s -> s.contains("your keys do not reach uml1"));
            // The browser takes it back with its button.
            browser.findElement(By.cssSelector("button[data-key=f]")).click();
            ssh.awaitLine("told of the force by the page", TIMEOUT,
                    l -> l.matches(".*read-only now: uml1@127\\.0\\.0\\.1:\\d+ \\(web\\) forced write.*"));
            assertFalse(ssh.text().contains("web-ro"), "a read-only browser's keys reached the guest: " + ssh.describe());
            awaitAudit("user=uml1", "action=console-force", "channel=web");
        }
        browser.findElement(By.cssSelector("button[data-key=d]")).click();
        Await.until("back on the page", TIMEOUT, () -> browser.getCurrentUrl().equals(http.origin() + "/"),
                browser::getCurrentUrl);
    }

    @Test
    @Order(3)
    void aFloodToASocketThatNeverAcknowledgesLeavesTheGuestAndAnSshViewerRunningAndItIsToldWhatItSkipped()
            throws Exception {
        String cookie = http.login("uml1", TestHost.PASSWORD);
        String csrf = http.csrf(cookie);
        Collect stalled = new Collect();
        WebSocket socket = http.socket(PATH, Optional.of(cookie), Optional.of(http.origin()),
                List.of(ConsoleProtocol.NAME, ConsoleProtocol.TOKEN_PREFIX + csrf), stalled).get(10, TimeUnit.SECONDS);
        try (ClientSession session = gateway.ssh().login("admin");
             SshScreen ssh = SshScreen.open(session.createExecChannel("console uml1"))) {
            ssh.press("\u0001f");
            ssh.awaitText("you write now", TIMEOUT);
            ssh.press("\r");
            ssh.awaitText("uml1:/root#", TIMEOUT);
            // About 5 MB through the console, twenty times the stalled page's window.
            ssh.press("yes flood-of-console-output | head -n 200000; echo done-$((5*5))\r");
            ssh.awaitLine("the flood ended for the SSH viewer", Duration.ofSeconds(90), line -> line.equals("done-25"));
            long sent = stalled.bytes();
            assertTrue(sent <= SocketSink.WINDOW + (64 << 10), "a stalled page got " + sent + " bytes, more than the window");
            // Acknowledging what it got lets the gateway go on: it says how much was skipped.
            socket.sendBinary(ByteBuffer.wrap(new byte[] {ConsoleProtocol.ACK, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}), true)
                    .get(10, TimeUnit.SECONDS);
            Await.until("the stalled page told what it skipped", TIMEOUT,
                    () -> stalled.text().contains("bytes of console output were skipped"), () -> tail(stalled.text()));
        }
        socket.abort();
    }

    @Test
    @Order(4)
    void aFloodReachesAKeepingUpBrowserWholeAndInOrder() throws Exception {
        browser.get(http.origin() + "/console/uml1");
        awaitTerminal("attached", s -> browser.findElement(By.id("console-state")).getText().equals("attached"));
        browser.findElement(By.cssSelector("button[data-key=f]")).click();
        awaitTerminal("writing", s -> s.contains("you write now"));
        // Some 2 MB, twice the ring: a browser that fell behind would be told what it skipped.
        type("clear; seq 1 300000; echo end-$((1+1))\n");
        Await.until("the flood's end in the browser", Duration.ofSeconds(120), () -> terminal().contains("\nend-2"),
                WebConsoleIT::terminal);
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) ((JavascriptExecutor) browser).executeScript(
                "const b = term.buffer.active, out = [];"
                + "for (let i = 0; i < b.length; i++) out.push(b.getLine(i).translateToString(true)); return out;");
        assertFalse(lines.stream().anyMatch(l -> l.contains("skipped")), "the browser skipped output");
        List<String> numbers = lines.stream().filter(l -> l.matches("\\d+")).toList();
        assertEquals("300000", numbers.get(numbers.size() - 1));
        for (int i = 1; i < numbers.size(); i++) {
            assertEquals(Long.parseLong(numbers.get(i - 1)) + 1, Long.parseLong(numbers.get(i)), "in order, none lost");
        }
    }

    @Test
    @Order(5)
    void sysRqIsTheWritersOnlyAWatcherHasNoButtonForItAndAForgedOneIsRefused() throws Exception {
        forceWriteInTheBrowser();
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("sysrq"))).selectByValue("s");
        awaitTerminal("the writer's SysRq sent", s -> s.contains("SysRq s sent to uml1"));
        awaitAudit("user=uml1", "action=sysrq", "guest=uml1", "result=ok", "channel=web");

        String cookie = http.login("uml2", TestHost.PASSWORD);
        String page = http.get("/console/uml1", Optional.of(cookie)).body();
        assertFalse(page.contains("id=\"sysrq\"") || page.contains("data-key=\"f\""), "a watcher's page offers write:\n" + page);
        assertTrue(page.contains("data-key=\"w\"") && page.contains("data-key=\"d\""), page);
        // A read-only viewer that may write, then a watcher, forge SysRq: both are told no, nothing is sent.
        forgeSysRq(http.login("uml1", TestHost.PASSWORD));
        forgeSysRq(cookie);
        // The audit is written in order: once the watcher's detach is in it, a SysRq of either would be too.
        awaitAudit("user=uml2", "action=console-detach", "channel=web");
        assertEquals(1, auditLines().filter(l -> l.contains(" user=uml1 ") && l.contains(" action=sysrq ")).count(),
                "only the writer's SysRq was sent: " + auditLines().toList());
        assertFalse(auditLines().anyMatch(l -> l.contains(" user=uml2 ") && l.contains(" action=sysrq ")), "a watcher's SysRq was sent");
    }

    /** What the page would send for SysRq h, as its button and as typed keys, from a viewer that does not write. */
    private static void forgeSysRq(String cookie) throws Exception {
        Collect viewer = new Collect();
        WebSocket socket = http.socket(PATH, Optional.of(cookie), Optional.of(http.origin()),
                List.of(ConsoleProtocol.NAME, ConsoleProtocol.TOKEN_PREFIX + http.csrf(cookie)), viewer).get(10, TimeUnit.SECONDS);
        Await.until("a read-only viewer attached", TIMEOUT, () -> viewer.text().contains("read-only: uml1@"), viewer::text);
        socket.sendBinary(ByteBuffer.wrap(new byte[] {ConsoleProtocol.COMMAND, 'b', 'h'}), true).get(10, TimeUnit.SECONDS);
        socket.sendBinary(ByteBuffer.wrap(new byte[] {ConsoleProtocol.INPUT, 1, 'b', 'h'}), true).get(10, TimeUnit.SECONDS);
        Await.until("both refused", TIMEOUT, () -> viewer.text().split("SysRq is for the writer only", -1).length == 3,
                () -> tail(viewer.text()));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }

    @Test
    @Order(6)
    void aPausedTabNeitherStopsTheGuestNorGetsOutputAndAfterContinueIsToldWhatItSkipped() throws Exception {
        forceWriteInTheBrowser();
        try (ClientSession session = gateway.ssh().login("admin");
             SshScreen ssh = SshScreen.open(session.createExecChannel("console uml1"))) {
            ssh.awaitText("read-only", TIMEOUT);
            ssh.press("\u0001f");
            ssh.awaitText("you write now", TIMEOUT);
            awaitTerminal("told of the force", s -> s.contains("(ssh) forced write"));
            WebElement pause = browser.findElement(By.id("pause"));
            pause.click();
            assertEquals("Continue", pause.getText());
            // The page handles its frames in order: once the Who answer is shown, the pause is in force.
            browser.findElement(By.cssSelector("button[data-key=w]")).click();
            awaitTerminal("who, after the pause", s -> s.contains("2 on the console of uml1:"));
            // What reaches the page, as it comes (the skipped line scrolls out of the terminal under the ring's output).
            js("window.floodFrames = 0; window.skipped = ''; ws.addEventListener('message', (e) => {"
                    + " const text = new TextDecoder().decode(e.data);"
                    + " if (text.includes('flood-of')) window.floodFrames++;"
                    + " const told = text.match(/\\d+ bytes of console output were skipped/); if (told) window.skipped = told[0]; });");
            // About 2.4 MB, twice the ring: the guest and the SSH viewer go on as if the tab were not there.
            ssh.press("yes flood-of-console-output | head -n 100000; echo done-$((5*5))\r");
            ssh.awaitLine("the flood ended for the SSH viewer", Duration.ofSeconds(90), line -> line.equals("done-25"));
            assertEquals(0L, ((Number) js("return window.floodFrames;")).longValue(), "a paused tab got the flood");
            assertFalse(terminal().contains("flood-of"), "a paused tab showed the flood: " + terminal());

            pause.click();
            assertEquals("Pause", pause.getText());
            Await.until("told what it skipped", TIMEOUT, () -> !js("return window.skipped;").equals(""), () -> "");
            awaitTerminal("caught up", s -> s.contains("\ndone-25"));
        }
    }

    @Test
    @Order(7)
    void closingTheTabDetachesItsViewer() throws Exception {
        String first = browser.getWindowHandle();
        List<String> before = webViewers();
        assertEquals(1, before.size(), "the first tab's viewer only: " + before);
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(http.origin() + "/console/uml1");
        awaitTerminal("attached in the second tab", s -> browser.findElement(By.id("console-state")).getText().equals("attached"));
        Await.until("two web viewers", TIMEOUT, () -> webViewers().size() == 2, () -> webViewers().toString());
        String second = webViewers().stream().filter(v -> !before.contains(v)).findFirst().orElseThrow();
        browser.close();
        browser.switchTo().window(first);
        Await.until("the closed tab gone from the who list", TIMEOUT, () -> !webViewers().contains(second),
                () -> webViewers().toString());
        assertEquals(1, webViewers().size(), webViewers().toString());
        Path events = gateway.host().config().gateway().stateDir().resolve("logs/uml1.events");
        Await.until("the detach in uml1.events", TIMEOUT,
                () -> read(events).lines().anyMatch(l -> l.endsWith(" uml1 " + second + " detach")), () -> read(events));
        awaitAudit("user=uml1", "action=console-detach", "guest=uml1", "channel=web");
    }

    @Test
    @Order(8)
    void aPasteInThePageReachesTheGuestWholeAtTheGuestsPace() throws Exception {
        forceWriteInTheBrowser();
        // 64 KiB, as ConsoleFlowIT pastes over SSH, in lines short of the tty's line limit and each one different:
        // sixteen of the page's frames, far more than the guest's console takes unpaced (ConsolePort paces input).
        StringBuilder paste = new StringBuilder();
        for (int i = 0; paste.length() < 64 << 10; i++) {
            paste.append(String.format("paste-line-%05d-%08x\n", i, i * 0x9e3779b1));
        }
        String text = paste.substring(0, (64 << 10) - 1) + "\n";
        // head, not dd bs=1: a read per byte is a UML system call per byte, which took longer than the paste itself.
        type("clear; echo ready-$((1+2)); head -c " + text.length() + " > /tmp/p\n");
        awaitTerminal("head reading", s -> s.lines().anyMatch("ready-3"::equals));
        js("const data = new DataTransfer(); data.setData('text/plain', arguments[0]);"
                + "document.querySelector('#terminal textarea').dispatchEvent("
                + "new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));", text);
        type("clear; md5sum /tmp/p; wc -c < /tmp/p\n");
        String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(text.getBytes(StandardCharsets.US_ASCII)));
        awaitTerminal("the paste whole in the guest", s -> s.matches("(?s).*" + md5 + " +/tmp/p\n" + text.length() + "\n.*"));
    }

    @Test
    @Order(9)
    void aSecondBrowserOfALoginThatMayOnlyWatchIsReadOnlyAndItsKeysNeverReachTheGuest() throws Exception {
        forceWriteInTheBrowser();
        try (Chromium second = Chromium.start(1000, 700)) {
            WebDriver watcher = second.driver();
            second.logIn(http, "uml2");
            watcher.get(http.origin() + "/console/uml1");
            awaitTerminal(watcher, "the watcher attached read-only", s -> s.contains("read-only: uml1@"));
            type(watcher, "echo watcher-$((4*5))\n");
            type(watcher, Keys.chord(Keys.CONTROL, "a") + "f");
            // The page handles its frames in order: once the force is refused, the keys before it were dealt with,
            // and had they reached the guest, what they print would come before what the writer's keys print.
            awaitTerminal(watcher, "the watcher's force refused", s -> s.contains("this login may not write on uml1"));
            type("echo writer-$((5*5))\n");
            awaitTerminal("the writer's command's output", s -> s.contains("\nwriter-25"));
            awaitTerminal(watcher, "the writer's command's output in the watcher's page", s -> s.contains("\nwriter-25"));
            assertFalse(terminal(browser).contains("watcher-20") || terminal(watcher).contains("watcher-20"),
                    "a watcher's keys reached uml1:\n" + terminal(browser) + "\n---\n" + terminal(watcher));
            assertTrue(terminal(watcher).contains("your keys do not reach uml1"), "the watcher was told: " + terminal(watcher));
            // The control: the same keys from the writer do reach the guest, and both pages show what they print.
            type("echo watcher-$((4*5))\n");
            awaitTerminal("the writer's keys run", s -> s.contains("\nwatcher-20"));
            awaitTerminal(watcher, "their output in the watcher's page", s -> s.contains("\nwatcher-20"));
        }
    }

    @Test
    @Order(10)
    void anOpenSshClientInTmuxAndTheBrowserShareTheConsoleAndEitherForcesWriteWithBothTold() throws Exception {
        // A fresh attachment: "your keys do not reach" is told once per attachment.
        browser.get(http.origin() + "/console/uml1");
        forceWriteInTheBrowser();
        Path dir = Files.createDirectory(gateway.host().dir().resolve("openssh"));
        try (Tmux tmux = Tmux.create(dir)) {
            tmux.newSession(PANE, 100, 30, OpenSsh.forHost(gateway.host(), dir).ssh("uml1", List.of("-t"), "console"));
            awaitPane(tmux, "ssh attached read-only", s -> s.contains("read-only: uml1@"));
            type("echo shared-$((3*7))\n");
            awaitPane(tmux, "the page's command's output in the pane", s -> hasLine(s, "shared-21"));
            awaitTerminal("the page's command's output", s -> s.contains("\nshared-21"));

            tmux.keys(PANE, "C-a", "f");
            awaitPane(tmux, "ssh writes", s -> s.matches("(?s).*you write now; uml1@127\\.0\\.0\\.1:\\d+ \\(web\\) is read-only.*"));
            awaitTerminal("the page told by whom", s -> s.matches("(?s).*read-only now: uml1@127\\.0\\.0\\.1:\\d+ \\(ssh\\) forced write.*"));
            type("echo web-ro-$((7*8))\n");
            // Frames are handled in order: once the page has its who list, its keys before were dealt with.
            browser.findElement(By.cssSelector("button[data-key=w]")).click();
            awaitTerminal("the page's who list", s -> s.matches("(?s).*\\d+ on the console of uml1:.*"));
            tmux.type(PANE, "echo from-ssh-$((3*3))");
            tmux.keys(PANE, "Enter");
            awaitPane(tmux, "the pane's command's output", s -> hasLine(s, "from-ssh-9"));
            awaitTerminal("the pane's command's output in the page", s -> s.contains("\nfrom-ssh-9"));
            assertFalse(terminal(browser).contains("web-ro-56") || tmux.capture(PANE).contains("web-ro-56"),
                    "a read-only page's keys reached uml1:\n" + terminal(browser) + "\n---\n" + tmux.capture(PANE));
            assertTrue(terminal(browser).contains("your keys do not reach uml1"), "the page was told: " + terminal(browser));

            type(Keys.chord(Keys.CONTROL, "a") + "f");
            awaitTerminal("the page writes again", s -> s.matches("(?s).*you write now; uml1@127\\.0\\.0\\.1:\\d+ \\(ssh\\) is read-only.*"));
            awaitPane(tmux, "the pane told by whom", s -> s.matches("(?s).*read-only now: uml1@127\\.0\\.0\\.1:\\d+ \\(web\\) forced write.*"));
            type("echo web-again-$((8*8))\n");
            awaitPane(tmux, "the page's command's output in the pane", s -> hasLine(s, "web-again-64"));
            awaitTerminal("the page's command's output", s -> s.contains("\nweb-again-64"));
            awaitAudit("user=uml1", "action=console-force", "channel=ssh");

            tmux.keys(PANE, "C-a", "C-d");
            Await.until("ssh to end", TIMEOUT, () -> tmux.paneExit(PANE).isPresent(), () -> tmux.capture(PANE));
            assertEquals("status 0", tmux.paneExit(PANE).orElseThrow(), tmux.capture(PANE));
        }
    }

    @Test
    @Order(11)
    void aPageWhoseLoginMayNoLongerSeeTheGuestIsDetachedAtOnce() throws Exception {
        String cookie = http.login("uml1", TestHost.PASSWORD);
        String csrf = http.csrf(cookie);
        Collect page = new Collect();
        WebSocket socket = http.socket(PATH, Optional.of(cookie), Optional.of(http.origin()),
                List.of(ConsoleProtocol.NAME, ConsoleProtocol.TOKEN_PREFIX + csrf), page).get(10, TimeUnit.SECONDS);
        Await.until("attached", TIMEOUT, () -> page.text().contains("console of uml1"), page::text);
        YuconCommand.Result revoked = YuconCommand.account(gateway.host().config().etc(), "revoke", "uml1", "uml1");
        assertEquals(0, revoked.status(), revoked.toString());
        Await.until("detached by the revocation", Duration.ofSeconds(8),
                () -> page.text().contains("uml1 may no longer see uml1; detached"), () -> tail(page.text()));
        socket.abort();
    }

    /** The page, attached, takes write with its button (it may have lost it to an SSH viewer). */
    private static void forceWriteInTheBrowser() {
        if (!browser.getCurrentUrl().equals(http.origin() + "/console/uml1")) {
            browser.get(http.origin() + "/console/uml1");
        }
        awaitTerminal("attached", s -> browser.findElement(By.id("console-state")).getText().equals("attached"));
        js("term.clear();");
        browser.findElement(By.cssSelector("button[data-key=f]")).click();
        awaitTerminal("writing", s -> s.contains("you write now"));
    }

    /** Who list lines: one viewer of uml1 on each of the two channels, with the role each has. */
    private static void assertWho(List<String> lines, String channel1, String role1, String channel2, String role2) {
        for (String[] viewer : List.of(new String[] {channel1, role1}, new String[] {channel2, role2})) {
            String line = ".*\\[yucon\\] +uml1@127\\.0\\.0\\.1:\\d+ \\(" + viewer[0] + "\\) +since [-0-9]+ [0-9:]+ +"
                    + java.util.regex.Pattern.quote(viewer[1]);
            assertTrue(lines.stream().anyMatch(l -> l.stripTrailing().matches(line)), "no line like " + line + " in:\n"
                    + String.join("\n", lines));
        }
    }

    /** The web viewers of uml1 as the hub names them. */
    private static List<String> webViewers() {
        return gateway.host().guest("uml1").console().who().stream().map(a -> a.viewer().who())
                .filter(who -> who.endsWith(" (web)")).toList();
    }

    private static Object js(String script, Object... arguments) {
        return ((JavascriptExecutor) browser).executeScript(script, arguments);
    }

    private static java.util.stream.Stream<String> auditLines() {
        return read(gateway.host().config().gateway().stateDir().resolve("audit.log")).lines();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void assertRefused(java.util.concurrent.CompletableFuture<WebSocket> socket, int status) throws Exception {
        try {
            socket.get(10, TimeUnit.SECONDS).abort();
            throw new AssertionError("the upgrade was accepted; expected HTTP " + status);
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof WebSocketHandshakeException, e.toString());
            assertEquals(status, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        }
    }

    /** A plain client's view: output frames' text; it reads everything but acknowledges nothing. */
    private static final class Collect implements WebSocket.Listener {
        private final StringBuffer text = new StringBuffer();
        private final AtomicLong bytes = new AtomicLong();

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            if (data.hasRemaining() && data.get() == ConsoleProtocol.OUTPUT) {
                bytes.addAndGet(data.remaining());
            }
            text.append(StandardCharsets.UTF_8.decode(data));
            socket.request(1);
            return null;
        }

        String text() {
            return text.toString();
        }

        long bytes() {
            return bytes.get();
        }
    }

    private static String tail(String text) {
        return text.substring(Math.max(0, text.length() - 2000));
    }

    private static void type(String keys) {
        type(browser, keys);
    }

    private static void type(WebDriver page, String keys) {
        page.findElement(By.cssSelector("#terminal textarea")).sendKeys(keys);
    }

    private static String terminal() {
        return terminal(browser);
    }

    /** The terminal's rows as xterm.js shows them, one line each. */
    private static String terminal(WebDriver page) {
        return page.findElements(By.cssSelector("#terminal .xterm-rows > div")).stream()
                .map(row -> row.getText().stripTrailing()).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    private static void awaitTerminal(String what, java.util.function.Predicate<String> condition) {
        awaitTerminal(browser, what, condition);
    }

    private static void awaitTerminal(WebDriver page, String what, java.util.function.Predicate<String> condition) {
        Await.until(what, BOOT_TIMEOUT, () -> condition.test(terminal(page)), () -> terminal(page));
    }

    /** Waits for the tmux pane's screen, as OpenSSH's user sees it, to meet {@code condition}. */
    private static void awaitPane(Tmux tmux, String what, java.util.function.Predicate<String> condition) {
        Await.until(what, BOOT_TIMEOUT, () -> condition.test(tmux.capture(PANE)), () -> tmux.capture(PANE));
    }

    private static boolean hasLine(String screen, String exact) {
        return screen.lines().anyMatch(line -> line.strip().equals(exact));
    }

    /** The last "ROWS COLUMNS" line stty printed. */
    private static String awaitSize() {
        java.util.regex.Pattern size = java.util.regex.Pattern.compile("(?m)^(\\d+ \\d+)$");
        awaitTerminal("stty size", s -> size.matcher(s).find());
        java.util.regex.Matcher m = size.matcher(terminal());
        String last = "";
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    private static void awaitAudit(String... texts) {
        Chromium.awaitAudit(gateway.host(), texts);
    }
}
