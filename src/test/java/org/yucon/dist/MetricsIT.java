package org.yucon.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.guest.GuestState;
import org.yucon.testing.Await;
import org.yucon.testing.SshUser;
import org.yucon.testing.TestHost;

/**
 * The metrics endpoint of a real gateway with a real guest, reached over real SSH: its scrape passes promtool (Debian's
 * prometheus package), and its counters move when the guest boots, a session runs a verb, and a password fails.
 */
class MetricsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void scrapePassesPromtoolAndCountersMove() throws Exception {
        List<String> metrics = List.of("[metrics]", "listen = \"127.0.0.1:0\"",
                "[limits]", "auth_failure_delay = \"50ms\"");
        try (TestHost host = TestHost.start(dir, metrics, "uml1"); SshUser user = SshUser.of(host)) {
            String before = scrape(host);
            promtool(before);
            assertEquals(0, value(before, "yucon_guest_boots_total{guest=\"uml1\"}"));
            assertEquals(1, value(before, "yucon_guests{state=\"off\"}"));
            assertEquals(1, value(before, "yucon_keeper_link_up{guest=\"uml1\"}"));
            assertEquals(0, value(before, "yucon_logins_total{result=\"failed\"}"));

            SshUser.Result boot = user.run("admin", "boot uml1");
            assertEquals(0, boot.status(), boot.toString());
            Await.until("uml1 to run", TIMEOUT, () -> host.guest("uml1").status().state() == GuestState.RUNNING,
                    () -> host.guest("uml1").status().toString());
            assertThrows(IOException.class, () -> user.loginWithPassword("uml1", "wrong").close());

            String after = scrape(host);
            promtool(after);
            assertEquals(1, value(after, "yucon_guest_boots_total{guest=\"uml1\"}"));
            assertEquals(1, value(after, "yucon_guests{state=\"running\"}"));
            assertEquals(0, value(after, "yucon_guests{state=\"off\"}"));
            assertEquals(1, value(after, "yucon_logins_total{result=\"failed\"}"));
            assertEquals(1, value(after, "yucon_logins_total{result=\"ok\"}"));
            assertEquals(1, value(after, "yucon_ssh_sessions_total{kind=\"verb\"}"));
            assertTrue(value(after, "yucon_console_bytes_total{direction=\"out\",guest=\"uml1\"}") > 100,
                    "the boot's console output is counted:\n" + after);
            assertTrue(value(after, "jvm_threads_current") > 0, "JVM figures are there");
        }
    }

    private static String scrape(TestHost host) throws Exception {
        int port = host.gateway().metricsPort().orElseThrow();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                response.headers().toString());
        return response.body();
    }

    /** promtool reads the scrape on stdin and exits 0 only when it parses and passes its lint. */
    private void promtool(String scrape) throws Exception {
        Path file = Files.writeString(Files.createTempFile(dir, "scrape", ".txt"), scrape);
        Process process = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "promtool ended");
        assertEquals(0, process.exitValue(), "promtool check metrics:\n" + output);
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertTrue(m.find(), series + " is not in the scrape:\n" + scrape);
        return Double.parseDouble(m.group(1));
    }
}
