package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.testing.Await;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/** A [[hotplug]] disk goes into a running guest and out again through mconsole, and the guest's kernel sees it. */
class HotplugIT {
    @Test
    void aDeclaredDiskIsPluggedAndUnpluggedWhileTheGuestRuns(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data.img");
        try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
            file.setLength(8 << 20);
        }
        try (TestHost host = TestHost.startGuests(dir, Uml.image(), Map.of("uml1",
                List.of("[[hotplug]]", "image = \"" + data + "\"")))) {
            GuestSupervisor guest = host.guest("uml1");
            assertFalse(guest.hotplug(0, true).ok(), "nothing to plug into a guest that is off");
            assertTrue(guest.boot().ok());
            // At the first moment the supervisor allows it: UML's mconsole takes "config ubdN=" before the ubd
            // driver has started, and the driver then adds that disk a second time and panics.
            Await.until("the disk to go in", Duration.ofSeconds(60), () -> guest.hotplug(0, true).ok(),
                    () -> guest.status().toString());
            Await.until("the kernel to have it", Duration.ofSeconds(10), () -> guest.plugged(0), () -> "not plugged");
            assertEquals(GuestState.RUNNING, guest.status().state(), "the guest lives on");
            // The guest's kernel scans a new disk for partitions and holds it open meanwhile ("Device is currently open").
            Await.until("uml1 to give the disk back", Duration.ofSeconds(15), () -> guest.hotplug(0, false).ok(),
                    () -> guest.hotplug(0, false).message());
            assertFalse(guest.plugged(0), "and gave it back");
            assertFalse(guest.hotplug(1, true).ok(), "only declared disks");
        }
    }
}
