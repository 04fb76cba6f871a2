package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.testing.Await;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * {@code autostart} on real guests: a gateway that starts with a fresh console keeper boots the guests marked, and
 * one started again on the same keeper (an upgrade) leaves off a marked guest that was shut down meanwhile.
 */
class AutostartIT {
    private static final Duration BOOTED = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static TestHost host;

    @BeforeAll
    static void startHost() throws Exception {
        host = TestHost.startGuests(dir, Uml.image(), Map.of("uml1", List.of("autostart = true"), "uml2", List.of()));
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void markedGuestsBootOncePerKeeperNotAtEachGatewayStart() throws Exception {
        awaitState("uml1", GuestState.RUNNING);
        assertEquals(GuestState.OFF, host.guest("uml2").status().state(), "uml2 is not marked");

        assertTrue(host.guest("uml1").shutdown(true).ok());
        awaitState("uml1", GuestState.OFF);
        host.restartGateway();
        // The autostart's boots are queued as the gateway starts: by the time a boot asked after it runs, one of
        // uml1 would have begun.
        assertTrue(host.guest("uml2").boot().ok());
        awaitState("uml2", GuestState.RUNNING);

        assertEquals(GuestState.OFF, host.guest("uml1").status().state(), "uml1, shut down, after the gateway's restart");
    }

    private static void awaitState(String guest, GuestState state) {
        Await.until(guest + " " + state, BOOTED, () -> host.guest(guest).status().state() == state,
                () -> host.guest(guest).status().toString());
    }
}
