package org.yucon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** [metrics] is off unless set, a bare port is loopback only, and a bad value is one sentence with file and line. */
class MetricsSettingsTest {
    @TempDir
    Path etc;

    @Test
    void offByDefault() throws Exception {
        Files.writeString(etc.resolve("yucon.toml"), "");
        assertFalse(new ConfigLoader(etc).load().gateway().metrics().enabled());
    }

    @Test
    void aBarePortIsLoopbackOnly() {
        assertEquals(new MetricsSettings(Optional.of("127.0.0.1"), 9323), MetricsSettings.parse("9323"));
        assertEquals(new MetricsSettings(Optional.of("::1"), 9323), MetricsSettings.parse("[::1]:9323"));
        assertEquals(new MetricsSettings(Optional.of("0.0.0.0"), 9323), MetricsSettings.parse("0.0.0.0:9323"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", ":9323", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "9323 ", "127.0.0.1:93a"})
    void malformedIsRefused(String listen) {
        assertNull(MetricsSettings.parse(listen));
    }

    @Test
    void aBadListenNamesFileAndLine() throws Exception {
        Files.writeString(etc.resolve("yucon.toml"), "[ssh]\nport = 2222\n[metrics]\nlisten = \"localhost:x\"\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(etc).load());
        assertTrue(e.getMessage().contains("yucon.toml line 4: 'metrics.listen' must be a port"), e.getMessage());
        Files.writeString(etc.resolve("yucon.toml"), "[metrics]\nlisten = 9323\n");
        assertThrows(ConfigException.class, () -> new ConfigLoader(etc).load(), "a number, not a string");
        Files.writeString(etc.resolve("yucon.toml"), "[metrics]\nlisten = \"9323\"\nport = 1\n");
        e = assertThrows(ConfigException.class, () -> new ConfigLoader(etc).load());
        assertTrue(e.getMessage().contains("unknown key 'metrics.port'"), e.getMessage());
    }
}
