package org.yucon.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.yucon.testing.Await;
import org.yucon.testing.Chromium;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.SshScreen;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;
import org.yucon.testing.WebClient;

/**
 * Console recordings on the web page (issue 23) against a real gateway: uml1 runs and its owner's console session over
 * SSH (MINA) is recorded, then listed, played in Debian's headless Chromium by the vendored asciinema-player (what
 * the guest printed shown as text, under the page's CSP) and downloaded; uml2 stays off (a recording of its console, banner only, is what another owner must not reach). The
 * account {@code watcher} only watches uml1: as with {@code ssh HOST recordings}, it sees none of uml1's recordings.
 * One gateway and one browser for all, in order (the first test makes the recordings the others use).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebRecordingsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(40);
    /** Printed by the guest: the player must show it as text, never make it an element. */
    private static final String MARKUP = "<i id=guest-markup>x</i>";
    private static final Pattern ROW = Pattern.compile("<tr data-id=\"(\\d+)\"><td data-label=\"ID\">\\d+</td>"
            + "<td data-label=\"Guest\" class=\"name\"><a href=\"[^\"]*\">([a-z0-9]+)</a>");

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.startedBy(dir -> TestHost.startGuests(dir, Uml.image(),
            Map.of("uml1", List.of("read_only = [\"watcher\"]"), "uml2", List.of())));
    private static WebClient http;
    private static Chromium chromium;
    private static WebDriver browser;
    /** The recordings the first test makes: uml1's session with hello-42, uml2's banner-only attach. */
    private static long uml1Id;
    private static long uml2Id;

    @BeforeAll
    static void start() throws Exception {
        TestHost host = gateway.host();
        Files.writeString(host.config().etc().resolve("accounts").resolve("watcher.toml"),
                Files.readString(host.config().etc().resolve("accounts").resolve("uml1.toml")).replace("\"uml1\"", ""));
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
    void theOwnerListsPlaysAndDownloadsTheRecordingOfAConsoleSession() throws Exception {
        try (ClientSession session = gateway.ssh().login("uml1");
             SshScreen ssh = SshScreen.open(session.createExecChannel("console uml1"))) {
            ssh.press("\r");
            ssh.awaitText("uml1 login:", BOOT_TIMEOUT);
            ssh.press("root\r");
            ssh.awaitText("uml1:/root#", TIMEOUT);
            ssh.press("echo hello-$((6*7))\r");
            ssh.awaitLine("hello-42", TIMEOUT, line -> line.equals("hello-42"));
            ssh.press("echo '" + MARKUP + "'-$((2+2))\r");
            ssh.awaitLine("the markup printed", TIMEOUT, line -> line.equals(MARKUP + "-4"));
            ssh.detach();
            ssh.awaitExit(TIMEOUT);
        }
        try (ClientSession session = gateway.ssh().login("uml2");
             SshScreen ssh = SshScreen.open(session.createExecChannel("console uml2"))) {
            ssh.awaitText("console of uml2", TIMEOUT);
            ssh.detach();
            ssh.awaitExit(TIMEOUT);
        }
        String owner = http.login("uml1", TestHost.PASSWORD);
        uml1Id = awaitListed(owner, "uml1");
        uml2Id = awaitListed(http.login("uml2", TestHost.PASSWORD), "uml2");

        chromium.logIn(http, "uml1");
        // The guest's own Recordings link, then the bar's: both list what this login may see.
        Await.until("uml1's row in the guest table", TIMEOUT,
                () -> !browser.findElements(By.cssSelector("#guests tr[data-guest='uml1']")).isEmpty(), browser::getPageSource);
        browser.findElement(By.cssSelector("#guests tr[data-guest='uml1']")).findElement(By.linkText("Recordings")).click();
        Await.until("uml1's recordings", TIMEOUT, () -> !browser.findElements(
                By.cssSelector("#recordings tr[data-id='" + uml1Id + "']")).isEmpty(), browser::getPageSource);
        browser.navigate().back();
        browser.findElement(By.linkText("recordings")).click();
        WebElement row = browser.findElement(By.cssSelector("#recordings tr[data-id='" + uml1Id + "']"));
        assertTrue(row.getText().contains("uml1"), row.getText());
        assertEquals(List.of(String.valueOf(uml1Id)), browser.findElements(By.cssSelector("#recordings tbody tr")).stream()
                .map(tr -> tr.getAttribute("data-id")).toList(), "the owner of uml1 sees uml1's recording only");
        assertEquals("", row.findElement(By.cssSelector("a.download")).getAttribute("download"));
        // Collected before any script of the page runs (a DevTools script is not bound by the page's CSP).
        ((ChromeDriver) browser).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.violations = []; document.addEventListener('securitypolicyviolation',"
                + " (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));"));
        row.findElement(By.linkText("Play")).click();
        Await.until("hello-42 played by asciinema-player", Duration.ofSeconds(30),
                () -> player().lines().anyMatch(line -> line.strip().equals("hello-42")), WebRecordingsIT::player);
        assertEquals(List.of(), ((JavascriptExecutor) browser).executeScript("return window.violations"),
                "the player works within the page's CSP");
        assertTrue(player().lines().anyMatch(line -> line.strip().equals(MARKUP + "-4")), player());
        assertTrue(browser.findElements(By.id("guest-markup")).isEmpty(), "what the guest printed became markup");

        HttpResponse<String> cast = http.get("/api/recordings/" + uml1Id + ".cast", Optional.of(owner));
        assertEquals(200, cast.statusCode(), cast.body());
        assertEquals("attachment; filename=\"uml1-" + uml1Id + ".cast\"",
                cast.headers().firstValue("Content-Disposition").orElse(""));
        assertAsciicast(cast.body());
        assertTrue(cast.body().contains("hello-42"), cast.body());
        Chromium.awaitAudit(gateway.host(), "user=uml1", "action=recording_" + uml1Id, "guest=uml1", "channel=web");
    }

    @Test
    @Order(2)
    void theOwnerOfAnotherGuestAWatcherAndNoSessionReachNoneOfIt() throws Exception {
        String other = http.login("uml2", TestHost.PASSWORD);
        assertEquals(List.of(uml2Id), listed(other, ""));
        String missing = http.get("/api/recordings/999999.cast", Optional.of(other)).body().replace("999999", "ID");
        for (String path : List.of("/api/recordings/" + uml1Id + ".cast", "/recordings/" + uml1Id)) {
            HttpResponse<String> r = http.get(path, Optional.of(other));
            assertEquals(404, r.statusCode(), path);
            assertEquals(missing, r.body().replace(String.valueOf(uml1Id), "ID"),
                    "another's recording answers as one that does not exist");
        }
        assertEquals(404, http.get("/recordings?guest=uml1", Optional.of(other)).statusCode());

        // The watcher sees uml1, as over SSH, but not its recordings: they show what its drivers typed and saw.
        String watcher = http.login("watcher", TestHost.PASSWORD);
        assertTrue(http.get("/api/state", Optional.of(watcher)).body().contains("\"uml1\""), "the watcher sees uml1");
        assertEquals(List.of(), listed(watcher, ""));
        assertEquals(List.of(), listed(watcher, "?guest=uml1"));
        assertEquals(404, http.get("/api/recordings/" + uml1Id + ".cast", Optional.of(watcher)).statusCode());
        assertEquals(404, http.get("/recordings/" + uml1Id, Optional.of(watcher)).statusCode());

        String admin = http.login("admin", TestHost.PASSWORD);
        assertTrue(listed(admin, "").containsAll(List.of(uml1Id, uml2Id)), "an admin sees every guest's");

        HttpResponse<String> none = http.get("/api/recordings/" + uml1Id + ".cast", Optional.empty());
        assertEquals(401, none.statusCode());
        assertFalse(none.body().contains("hello-42"));
        assertEquals(303, http.get("/recordings", Optional.empty()).statusCode(), "no session: to the login page");
        assertEquals(303, http.get("/recordings/" + uml1Id, Optional.empty()).statusCode());
    }

    @Test
    @Order(3)
    void pathsThatAreNotARecordingsNumberAreRefusedEvenForAnAdmin() throws Exception {
        String admin = http.login("admin", TestHost.PASSWORD);
        for (String path : List.of("/api/recordings/../uml1/" + uml1Id + ".cast", "/api/recordings/..%2fuml1%2f" + uml1Id
                + ".cast", "/api/recordings/%2e%2e/uml1/" + uml1Id + ".cast", "/api/recordings/uml1%2F" + uml1Id + ".cast",
                "/api/recordings/uml1/" + uml1Id + ".cast", "/api/recordings/" + uml1Id + ".cast%00",
                "/api/recordings/" + uml1Id + "%2fcast", "/api/recordings/-" + uml1Id + ".cast",
                "/api/recordings/" + uml1Id, "/recordings/..%2f..%2fetc%2fpasswd", "/recordings/%2e%2e",
                "/api/recordings/" + uml1Id + ".cast/../../../audit.log", "/api/recordings/0x" + uml1Id + ".cast",
                "/api/recordings/" + "9".repeat(40) + ".cast")) {
            String answer = http.raw("GET " + path + " HTTP/1.1\r\nHost: " + http.origin().substring("https://".length())
                    + "\r\nCookie: " + admin + "\r\nConnection: close\r\n\r\n");
            String status = answer.lines().findFirst().orElse("");
            assertTrue(status.startsWith("HTTP/1.1 400") || status.startsWith("HTTP/1.1 404"), path + ": " + status);
            assertFalse(answer.contains("\"version\": 2") || answer.contains("hello-42"), path + " gave a recording");
        }
        assertEquals(200, http.get("/api/recordings/" + uml1Id + ".cast", Optional.of(admin)).statusCode(),
                "the admin may fetch it by its number");
    }

    @Test
    @Order(4)
    void thePlayerPageAloneMayCompileWebAssemblyAndNoPageHasInlineScript() throws Exception {
        String owner = http.login("uml1", TestHost.PASSWORD);
        HttpResponse<String> list = http.get("/recordings", Optional.of(owner));
        HttpResponse<String> player = http.get("/recordings/" + uml1Id, Optional.of(owner));
        assertEquals(WebFront.CSP, list.headers().firstValue("Content-Security-Policy").orElse(""));
        String csp = player.headers().firstValue("Content-Security-Policy").orElse("");
        assertEquals(WebFront.CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"), csp);
        for (HttpResponse<String> page : List.of(list, player)) {
            assertEquals(200, page.statusCode(), page.body());
            assertFalse(page.body().contains("<script>") || page.body().contains("style="), "no inline script or style");
        }
    }

    /** The text asciinema-player shows, row by row. */
    private static String player() {
        return browser.findElements(By.cssSelector("#player .ap-line")).stream().map(WebElement::getText)
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /** Waits until the login's list has a finished recording of {@code guest}; its id. */
    private static long awaitListed(String cookie, String guest) throws Exception {
        long[] id = new long[1];
        String[] page = {""};
        Await.until("a finished recording of " + guest, TIMEOUT, () -> {
            page[0] = get("/recordings", cookie).body();
            Matcher m = ROW.matcher(page[0]);
            while (m.find() && !page[0].contains(">live<")) {
                if (m.group(2).equals(guest)) {
                    id[0] = Long.parseLong(m.group(1));
                    return true;
                }
            }
            return false;
        }, () -> page[0]);
        return id[0];
    }

    private static HttpResponse<String> get(String path, String cookie) {
        try {
            return http.get(path, Optional.of(cookie));
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }

    /** The ids the login's list page shows. */
    private static List<Long> listed(String cookie, String query) throws Exception {
        HttpResponse<String> page = http.get("/recordings" + query, Optional.of(cookie));
        assertEquals(200, page.statusCode(), page.body());
        return ROW.matcher(page.body()).results().map(m -> Long.parseLong(m.group(1))).toList();
    }

    /** asciicast v2: a header object with version 2 and a size, then one [time, code, text] array a line. */
    private static void assertAsciicast(String cast) throws Exception {
        List<String> lines = cast.lines().toList();
        Map<String, Object> header = JSON.std.mapFrom(lines.get(0));
        assertEquals(2, ((Number) header.get("version")).intValue(), lines.get(0));
        assertTrue(((Number) header.get("width")).intValue() > 0 && ((Number) header.get("height")).intValue() > 0);
        assertTrue(lines.size() > 1, "events");
        for (String line : lines.subList(1, lines.size())) {
            List<Object> event = JSON.std.listFrom(line);
            assertEquals(3, event.size(), line);
            assertTrue(event.get(0) instanceof Number && List.of("o", "i", "r", "m").contains(event.get(1))
                    && event.get(2) instanceof String, line);
        }
    }
}
