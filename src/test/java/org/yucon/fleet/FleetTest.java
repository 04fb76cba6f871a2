package org.yucon.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FleetTest {
    @Test
    void aGuestNameTwoHostsClaimIsNamedWithBothHosts() {
        Map<String, Collection<String>> guests = new TreeMap<>(Map.of(
                "uml-host1", List.of("uml1", "uml5"), "uml-host2", List.of("uml5", "uml6"), "uml-host3", List.of("uml7")));
        assertEquals(List.of("guest uml5 is claimed by uml-host1 and uml-host2: guest names must be unique in the fleet"),
                Fleet.duplicates(guests));
    }

    @Test
    void uniqueNamesAreNoError() {
        assertEquals(List.of(), Fleet.duplicates(Map.of("uml-host1", List.of("uml1"), "uml-host2", List.of("uml2"))));
    }
}
