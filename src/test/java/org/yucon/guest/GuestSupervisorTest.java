package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lifecycle's pure parts; the lifecycle itself is proven on real guests (GuestLifecycleIT, SpawnRaceIT). */
class GuestSupervisorTest {
    @Test
    void aBootingGuestIsAskedOftenAtFirstThenEveryTwoSeconds() {
        assertEquals(Duration.ofMillis(250), GuestSupervisor.readyPollDelay(Duration.ZERO));
        assertEquals(Duration.ofMillis(250), GuestSupervisor.readyPollDelay(Duration.ofSeconds(29)));
        assertEquals(Duration.ofSeconds(2), GuestSupervisor.readyPollDelay(Duration.ofSeconds(30)));
        assertEquals(Duration.ofSeconds(2), GuestSupervisor.readyPollDelay(Duration.ofHours(5)));
    }

    @Test
    void aSignalDeathIsNamed() {
        assertEquals("killed by signal 9 (SIGKILL)", GuestSupervisor.describe(137));
        assertEquals("UML exited with status 1", GuestSupervisor.describe(1));
    }

    @Test
    void aSpawnStillBootingKeepsItsUml() {
        assertEquals(SpawnVerdict.KEEP, SpawnVerdict.of(true, GuestState.BOOTING));
    }

    @Test
    void aStopAskedDuringTheSpawnStopsTheNewUml() {
        assertEquals(SpawnVerdict.STOP, SpawnVerdict.of(true, GuestState.STOPPING));
    }

    @Test
    void aRunThatEndedOrWasReplacedDuringTheSpawnOwnsNoPid() {
        for (GuestState ended : List.of(GuestState.OFF, GuestState.CRASHED)) {
            assertEquals(SpawnVerdict.GONE, SpawnVerdict.of(true, ended), ended.name());
        }
        for (GuestState any : GuestState.values()) {
            assertEquals(SpawnVerdict.GONE, SpawnVerdict.of(false, any), "another run, " + any);
        }
    }
}
