package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientEnvironmentTest {
    @Test
    void theFirstLocaleVariableSentDecidesAndNoneMeansUtf8() {
        assertTrue(ClientEnvironment.utf8(Map.of()));
        assertTrue(ClientEnvironment.utf8(Map.of("LANG", "en_US.utf8")));
        assertFalse(ClientEnvironment.utf8(Map.of("LANG", "C")));
        assertFalse(ClientEnvironment.utf8(Map.of("LC_ALL", "POSIX", "LANG", "en_US.UTF-8")));
        assertTrue(ClientEnvironment.utf8(Map.of("LC_CTYPE", "de_DE.UTF-8", "LANG", "C")));
    }

    @Test
    void aSizeOutsideTenToAThousandIsNotBelieved() {
        assertEquals(132, ClientEnvironment.dimension(Map.of("COLUMNS", "132"), "COLUMNS", 80));
        assertEquals(80, ClientEnvironment.dimension(Map.of("COLUMNS", "9"), "COLUMNS", 80));
        assertEquals(80, ClientEnvironment.dimension(Map.of("COLUMNS", "1001"), "COLUMNS", 80));
        assertEquals(80, ClientEnvironment.dimension(Map.of("COLUMNS", "wide"), "COLUMNS", 80));
        assertEquals(24, ClientEnvironment.dimension(Map.of(), "LINES", 24));
    }
}
