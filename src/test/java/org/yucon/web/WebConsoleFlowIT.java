package org.yucon.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.yucon.testing.Await;
import org.yucon.testing.Chromium;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;
import org.yucon.testing.WebClient;

/**
 * The page's side of the console's flow control, in Debian's headless Chromium against a real gateway and guest: what
 * the page sends back per byte of output, counted on the page's own WebSocket, a ratio that holds on any machine.
 */
class WebConsoleFlowIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    /** console.js's ACK_EVERY: the page acknowledges per this many bytes rendered. */
    private static final long ACK_EVERY = 32 << 10;
    /** Counts, in the page, the acknowledgements it sends and the output bytes it receives (test only). */
    private static final String COUNT = """
            window.flow = {acks: 0, output: 0};
            const sendFrame = ws.send.bind(ws);
            ws.send = (frame) => { if (frame[0] === 97) window.flow.acks++; sendFrame(frame); };
            ws.addEventListener('message', (e) => {
              const d = new Uint8Array(e.data);
              if (d[0] === 111) window.flow.output += d.length - 1;
            });
            """;

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.startedBy(dir -> TestHost.startGuests(dir, Uml.image(),
            Map.of("uml1", List.of())));
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

    /**
     * A flood that comes a line at a time (`seq`) reaches the page in thousands of small frames; the page answers
     * with about one acknowledgement per 32 KiB of them, not one per frame (each a TLS record and a wake-up of the
     * gateway, which on two CPUs came out of the guest's and the browser's time).
     */
    @Test
    void aLineAtATimeFloodIsAcknowledgedPer32KiBNotPerFrame() {
        chromium.logIn(http, "uml1");
        browser.get(http.origin() + "/console/uml1");
        awaitPage("attached", () -> browser.findElement(By.id("console-state")).getText().equals("attached"));
        type("\n");
        awaitScreen("the login prompt", s -> s.contains("uml1 login:"));
        type("root\n");
        awaitScreen("the shell", s -> s.contains("uml1:/root#"));
        script(COUNT);
        type("seq 1 60000; echo end-$((2+3))\n");
        Await.until("the flood's end", Duration.ofSeconds(180), () -> screen().contains("\nend-5"),
                WebConsoleFlowIT::screen);
        long acks = ((Number) script("return window.flow.acks;")).longValue();
        long output = ((Number) script("return window.flow.output;")).longValue();
        assertTrue(output > 300_000, "the flood reached the page: " + output + " bytes");
        assertTrue(acks <= output / ACK_EVERY + 2,
                acks + " acknowledgements for " + output + " bytes of output (at most one per " + ACK_EVERY + ")");
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    private static void type(String keys) {
        browser.findElement(By.cssSelector("#terminal textarea")).sendKeys(keys);
    }

    /** The terminal's buffer as xterm.js has parsed it, one line each. */
    private static String screen() {
        return (String) script("const b = term.buffer.active, out = [];"
                + "for (let i = 0; i < b.length; i++) out.push(b.getLine(i).translateToString(true));"
                + "return out.join('\\n');");
    }

    private static void awaitScreen(String what, Predicate<String> condition) {
        Await.until(what, TIMEOUT, () -> condition.test(screen()), WebConsoleFlowIT::screen);
    }

    private static void awaitPage(String what, java.util.function.BooleanSupplier condition) {
        Await.until(what, TIMEOUT, condition, WebConsoleFlowIT::screen);
    }
}
