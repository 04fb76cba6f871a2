package org.yucon.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.yucon.guest.GuestState;
import org.yucon.testing.Await;
import org.yucon.testing.Chromium;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.SshUser;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;
import org.yucon.testing.WebClient;

/**
 * The web page against a real gateway with real UML guests, in a real headless Chromium (Debian's, driven through its
 * chromedriver, nothing downloaded) and over a plain HTTPS client for what a browser would never send. One gateway
 * and one browser for all; the tests run in order, as the guests' states follow from one to the next. uml2 lists the
 * account {@code watcher} as read-only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPageIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(40);
    /** shutdown_timeout is 10 s in TestHost, then halt, then 5 s to SIGKILL. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.startedBy(dir -> TestHost.startGuests(dir, Uml.image(),
            Map.of("uml1", List.of(), "uml2", List.of("read_only = [\"watcher\"]"))));
    private static WebClient http;
    private static Chromium chromium;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        TestHost host = gateway.host();
        Files.writeString(host.config().etc().resolve("accounts").resolve("watcher.toml"),
                Files.readString(host.config().etc().resolve("accounts").resolve("uml1.toml")).replace("\"uml1\"", ""));
        http = WebClient.of(host);
        chromium = Chromium.start(1400, 900);
        browser = chromium.driver();
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
    }

    // ---- over a plain HTTPS client ----

    @Test
    @Order(1)
    void loginSetsAStrictSessionCookieAndEveryAnswerHasTheSecurityHeaders() throws Exception {
        HttpResponse<String> login = http.post("/login", Optional.empty(), Optional.of(http.origin()),
                Map.of("login", "uml1", "password", TestHost.PASSWORD));
        assertEquals(303, login.statusCode(), login.body());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        for (String flag : List.of("__Host-yucon=", "HttpOnly", "Secure", "SameSite=Strict", "Path=/")) {
            assertTrue(cookie.contains(flag), flag + " in " + cookie);
        }
        HttpResponse<String> page = http.get("/", Optional.of(cookie.substring(0, cookie.indexOf(';'))));
        assertEquals(200, page.statusCode());
        assertEquals("max-age=31536000", page.headers().firstValue("Strict-Transport-Security").orElse(""));
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe"), csp);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertFalse(page.body().contains("<script>"), "no inline script");
    }

    @Test
    @Order(2)
    void aWrongPasswordAndAnUnknownLoginFailAlikeAndAreAudited() throws Exception {
        HttpResponse<String> wrong = http.post("/login", Optional.empty(), Optional.of(http.origin()),
                Map.of("login", "uml1", "password", "nope"));
        HttpResponse<String> unknown = http.post("/login", Optional.empty(), Optional.of(http.origin()),
                Map.of("login", "nobody", "password", "nope"));
        assertEquals(401, wrong.statusCode());
        assertEquals(wrong.body(), unknown.body(), "the same page, whichever way it failed");
        assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty(), "no session for a failed login");
        awaitAudit("user=nobody", "action=password-auth", "result=refused", "channel=web");
    }

    @Test
    @Order(3)
    void aPostWithoutTheTokenFromAnotherOriginOrWithoutOriginIsRefused() throws Exception {
        String cookie = http.login("uml1", TestHost.PASSWORD);
        String csrf = http.csrf(cookie);
        HttpResponse<String> noToken = http.post("/api/guests/uml1/boot", Optional.of(cookie), Optional.of(http.origin()), Map.of());
        HttpResponse<String> wrongToken = http.post("/api/guests/uml1/boot", Optional.of(cookie), Optional.of(http.origin()),
                Map.of("csrf", csrf + "x"));
        HttpResponse<String> crossOrigin = http.post("/api/guests/uml1/boot", Optional.of(cookie),
                Optional.of("https://evil.example"), Map.of("csrf", csrf));
        HttpResponse<String> noOrigin = http.post("/api/guests/uml1/boot", Optional.of(cookie), Optional.empty(),
                Map.of("csrf", csrf));
        for (HttpResponse<String> r : List.of(noToken, wrongToken, crossOrigin, noOrigin)) {
            assertEquals(403, r.statusCode(), r.body());
            assertEquals(1, r.body().strip().lines().count(), "one sentence: " + r.body());
        }
        assertEquals(GuestState.OFF, gateway.host().guest("uml1").status().state(), "nothing was booted");
    }

    @Test
    @Order(4)
    void aForeignHostAndAMalformedRequestGetOneSentenceAndSshKeepsServing() throws Exception {
        String foreign = http.raw("GET /login HTTP/1.1\r\nHost: rebound.example:" + gateway.host().gateway().web().orElseThrow().port()
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(foreign.startsWith("HTTP/1.1 421"), foreign);
        assertTrue(foreign.contains("does not serve the host name 'rebound.example"), foreign);
        for (String bad : List.of("GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\n\r\n",
                "GET / HTTP/1.1\r\n" + "X: " + "a".repeat(20_000) + "\r\nHost: localhost\r\n\r\n")) {
            String answer = http.raw(bad);
            assertTrue(answer.matches("(?s)HTTP/1.1 4\\d\\d .*"), answer);
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4).strip();
            assertFalse(body.contains("at org.") || body.contains("<"), "no trace, no markup: " + body);
        }
        assertEquals(0, gateway.ssh().run("uml1", "status").status(), "SSH still serves");
    }

    @Test
    @Order(5)
    void aSessionCookieReusedAfterLogoutIsRefused() throws Exception {
        String cookie = http.login("uml1", TestHost.PASSWORD);
        String csrf = http.csrf(cookie);
        assertEquals(200, http.get("/api/state", Optional.of(cookie)).statusCode());
        HttpResponse<String> logout = http.post("/logout", Optional.of(cookie), Optional.of(http.origin()), Map.of("csrf", csrf));
        assertEquals(303, logout.statusCode(), logout.body());
        assertEquals(401, http.get("/api/state", Optional.of(cookie)).statusCode());
        assertEquals(303, http.get("/", Optional.of(cookie)).statusCode(), "back to the login form");
        awaitAudit("user=uml1", "action=logout", "channel=web");
    }

    @Test
    @Order(6)
    void aGuestTheLoginMayNotSeeAnswersAsOneThatDoesNotExistAndLoginsMustComeFromThePage() throws Exception {
        String cookie = http.login("uml1", TestHost.PASSWORD);
        HttpResponse<String> hidden = http.get("/api/guests/uml2/log", Optional.of(cookie));
        HttpResponse<String> none = http.get("/api/guests/uml9/log", Optional.of(cookie));
        assertEquals(404, hidden.statusCode());
        assertEquals(none.body().replace("uml9", "uml2"), hidden.body());
        HttpResponse<String> download = http.get("/api/guests/uml1/log.txt", Optional.of(cookie));
        assertEquals(200, download.statusCode());
        assertEquals("attachment; filename=\"uml1.log\"", download.headers().firstValue("Content-Disposition").orElse(""),
                "the whole log is a file to save, never a page");
        HttpResponse<String> planted = http.post("/login", Optional.empty(), Optional.of("https://evil.example"),
                Map.of("login", "uml1", "password", TestHost.PASSWORD));
        assertEquals(403, planted.statusCode(), "a login form posted from elsewhere");
        // Over the 16 KiB a form may have, yet small enough to lie whole in loopback's socket buffers: the gateway
        // answers and closes without reading the rest, and a bigger body would meet a reset while still being sent.
        String huge = http.rawPost("/login", WebClient.form(Map.of("login", "uml1", "password", "x".repeat(40_000))),
                "127.0.0.1");
        assertTrue(huge.matches("(?s)HTTP/1.1 4\\d\\d .*"), huge);
    }

    // ---- in the browser ----

    @Test
    @Order(10)
    void theOwnerSeesOnlyTheirGuestBootsItWatchesItRunReadsItsProcessesAndLogAndShutsItDown() throws Exception {
        logIn("uml1");
        awaitRows(List.of("uml1"));
        WebElement row = row("uml1");
        assertEquals("off", row.getAttribute("data-state"));
        assertTrue(row.getText().contains("ssh -p " + gateway.host().port() + " -l uml1 localhost"), row.getText());
        click("uml1", "boot");
        // No reload from here on: the page follows the guest through the server's pushes.
        awaitState("uml1", "running", BOOT_TIMEOUT);

        click("uml1", "processes");
        awaitText(By.id("detail-text"), text -> text.contains("PID") && text.contains("kernel ") && text.lines().count() >= 5);

        // What a guest prints is text on the page, never markup: a line as the keeper would log it.
        Files.writeString(gateway.host().consoleLog("uml1"),
                "<img src=x id=planted onerror=alert(1)>\n", java.nio.file.StandardOpenOption.APPEND);
        click("uml1", "log");
        awaitText(By.id("detail-text"), text -> text.contains("Linux version") && text.contains("<img src=x id=planted"));
        assertTrue(browser.findElements(By.id("planted")).isEmpty(), "the guest's output made no element");

        shutDownInThePage("uml1", "uml1", "graceful");
    }

    @Test
    @Order(11)
    void theAdminSeesBothGuestsAndTheHostsFiguresAtAnyWidth() throws Exception {
        logIn("admin");
        awaitRows(List.of("uml1", "uml2"));
        WebElement host = browser.findElement(By.id("host"));
        for (String fact : List.of("Host:", "Load:", "Memory:", "Uptime:", "Kernel:")) {
            assertTrue(host.getText().contains(fact), fact + " in " + host.getText());
        }
        click("uml2", "boot");
        awaitState("uml2", "running", BOOT_TIMEOUT);
        Await.until("uml2's own figures", TIMEOUT, () -> row("uml2").getText().contains(" MB"), () -> row("uml2").getText());
        Files.write(Path.of("target", "web-admin.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        for (int width : List.of(320, 2560)) {
            browser.manage().window().setSize(new Dimension(width, 900));
            Object overflow = ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertEquals(0L, overflow, "nothing wider than the window at " + width + " px");
        }
        browser.manage().window().setSize(new Dimension(1400, 900));
        shutDownInThePage("admin", "uml2", "hard");
    }

    @Test
    @Order(12)
    void aReadOnlyWatcherSeesNoButtonsAndItsForgedPostIsRefused() throws Exception {
        logIn("watcher");
        awaitRows(List.of("uml2"));
        assertTrue(row("uml2").findElements(By.cssSelector("button[data-action=boot]")).isEmpty(), "no Boot for a watcher");
        String cookie = http.login("watcher", TestHost.PASSWORD);
        HttpResponse<String> forged = http.post("/api/guests/uml2/boot", Optional.of(cookie), Optional.of(http.origin()),
                Map.of("csrf", http.csrf(cookie)));
        assertEquals(403, forged.statusCode(), forged.body());
        assertEquals(GuestState.OFF, gateway.host().guest("uml2").status().state());
    }

    @Test
    @Order(13)
    void aPasswordChangedInThePageLetsTheAccountLogInOverSsh() throws Exception {
        logIn("uml2");
        browser.findElement(By.linkText("passwords")).click();
        browser.findElement(By.name("current")).sendKeys(TestHost.PASSWORD);
        browser.findElement(By.name("new")).sendKeys("changed in the page");
        browser.findElement(By.name("again")).sendKeys("changed in the page");
        browser.findElement(By.cssSelector("form.card button[type=submit]")).click();
        awaitText(By.cssSelector("p[role=alert]"), text -> text.equals("Password changed."));
        try (ClientSession ssh = gateway.ssh().loginWithPassword("uml2", "changed in the page")) {
            assertEquals(0, SshUser.run(ssh, "status").status());
        }
    }

    @Test
    @Order(20)
    void aLostConnectionIsShownAndASessionTheGatewayForgotSaysSo() throws Exception {
        logIn("uml1");
        awaitRows(List.of("uml1"));
        gateway.host().restartGateway();
        awaitText(By.id("connection"), text -> text.contains("This session is over") && text.contains("log in again"));
        logIn("uml1");
        awaitRows(List.of("uml1"));
    }

    @Test
    @Order(30)
    void passwordsThatFailedOnThePageCountForSshFromTheSameAddress() throws Exception {
        String wrong = WebClient.form(Map.of("login", "uml1", "password", "guess"));
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(clients.submit(() -> http.rawPost("/login", wrong, "127.0.0.7")));
            }
            for (java.util.concurrent.Future<String> answer : answers) {
                assertTrue(answer.get().startsWith("HTTP/1.1 401"), answer.get());
            }
        } finally {
            clients.shutdownNow();
        }
        try (ClientSession ssh = gateway.ssh().connect("uml1", "127.0.0.7")) {
            ssh.addPasswordIdentity(TestHost.PASSWORD);
            assertFalse(ssh.auth().await(TIMEOUT) && ssh.auth().isSuccess(), "the right password, from a throttled address");
        }
        awaitAudit("user=uml1", "from=/127.0.0.7", "result=refused:address-throttled", "channel=ssh");
        try (ClientSession ssh = gateway.ssh().loginWithPassword("uml1", TestHost.PASSWORD)) {
            assertTrue(ssh.isAuthenticated(), "another address is not throttled");
        }
    }

    /** Shutdown, answered {@code mode} (graceful or hard); the page shows the guest off, and the audit log says who. */
    private static void shutDownInThePage(String login, String guest, String mode) {
        click(guest, "shutdown");
        browser.findElement(By.id("ask-" + mode)).click();
        awaitState(guest, "off", SHUTDOWN_TIMEOUT);
        awaitAudit("user=" + login, "action=shutdown", "guest=" + guest, "result=ok", "channel=web");
    }

    private static void logIn(String login) {
        chromium.logIn(http, login);
    }

    /** Clicks a guest's button; a row drawn again meanwhile (a push came) is looked up again. */
    private static void click(String guest, String action) {
        Await.until(action + " of " + guest + " clicked", TIMEOUT, () -> {
            try {
                row(guest).findElement(By.cssSelector("button[data-action=" + action + "]")).click();
                return true;
            } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
                return false;
            }
        }, WebPageIT::table);
    }

    private static WebElement row(String guest) {
        return browser.findElement(By.cssSelector("tr[data-guest='" + guest + "']"));
    }

    private static void awaitRows(List<String> guests) {
        Await.until("the table lists " + guests, TIMEOUT, () -> browser.findElements(By.cssSelector("#guests tbody tr"))
                .stream().map(r -> r.getAttribute("data-guest")).toList().equals(guests), WebPageIT::table);
    }

    private static void awaitState(String guest, String state, Duration timeout) {
        Await.until(guest + " shown " + state, timeout, () -> browser.findElements(
                By.cssSelector("tr[data-guest='" + guest + "'][data-state='" + state + "']")).size() == 1, WebPageIT::table);
    }

    private static void awaitText(By where, java.util.function.Predicate<String> condition) {
        Await.until("the text of " + where, TIMEOUT, () -> {
            List<WebElement> found = browser.findElements(where);
            return !found.isEmpty() && condition.test(found.get(0).getText());
        }, () -> browser.findElements(where).stream().map(WebElement::getText).toList().toString());
    }

    private static String table() {
        return browser.findElement(By.tagName("body")).getText();
    }

    private static void awaitAudit(String... texts) {
        Chromium.awaitAudit(gateway.host(), texts);
    }
}
