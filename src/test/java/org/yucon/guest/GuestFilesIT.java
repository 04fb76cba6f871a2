package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.testing.Await;
import org.yucon.testing.TestHost;

/**
 * Guest files are followed while the gateway runs: a new file adds a guest, a change to an off guest counts from
 * its next boot, a running guest keeps its settings until it is off, a broken file changes nothing, and a
 * removed file takes its guest away once it is off.
 */
class GuestFilesIT {
    private static final Duration FOLLOWED = Duration.ofSeconds(10);

    @Test
    void guestFilesAreFollowedWithoutARestart(@TempDir Path dir) throws Exception {
        try (TestHost host = TestHost.start(dir, "uml1")) {
            Path guests = host.config().etc().resolve("guests");
            Guests all = host.gateway().guests();
            String uml1 = Files.readString(guests.resolve("uml1.toml"));

            Files.writeString(guests.resolve("uml2.toml"), uml1.replace("/uml1/", "/uml2/"));
            Await.until("uml2 to appear", FOLLOWED, () -> all.get("uml2").isPresent(), () -> all.all().toString());

            Files.writeString(guests.resolve("uml2.toml"), uml1.replace("/uml1/", "/uml2/").replace("128M", "96M"));
            Await.until("uml2 to take 96M", FOLLOWED, () -> all.get("uml2").orElseThrow().config().memoryBytes() == 96L << 20,
                    () -> all.get("uml2").orElseThrow().config().toString());

            GuestSupervisor two = all.get("uml2").orElseThrow();
            assertTrue(two.boot().ok());
            Files.writeString(guests.resolve("uml2.toml"), uml1.replace("/uml1/", "/uml2/").replace("128M", "80M"));
            Files.writeString(guests.resolve("broken.toml"), "memory = \"lots\"\n[[disk]]\nimage = \"x\"\n");
            // A marker: a reading of the files that adds uml3 reads the two above too, and follows uml2 first (name order).
            Files.writeString(guests.resolve("uml3.toml"), uml1.replace("/uml1/", "/uml3/"));
            Await.until("uml3 to appear", FOLLOWED, () -> all.get("uml3").isPresent(), () -> all.all().toString());
            assertEquals(96L << 20, two.config().memoryBytes(), "a running guest keeps its settings");
            assertTrue(all.get("broken").isEmpty(), "a broken file adds nothing");

            Files.delete(guests.resolve("uml2.toml"));
            two.shutdown(true);
            Await.until("uml2 to go once it is off", Duration.ofSeconds(30), () -> all.get("uml2").isEmpty(),
                    () -> two.status().toString());
            assertTrue(all.get("uml1").isPresent(), "uml1 is untouched");
        }
    }
}
