package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.sshd.common.channel.RequestHandler;
import org.junit.jupiter.api.Test;
import org.yucon.config.LoginLimits;

class RestrictedChannelSessionTest {
    private final RestrictedChannelSession channel = new RestrictedChannelSession(LoginLimits.defaults());

    @Test
    void aThousandLocaleVariablesOfAKilobyteKeepWithinTheBounds() throws Exception {
        String value = "x".repeat(1024);
        int taken = 0;
        for (int i = 0; i < 1000; i++) {
            taken += channel.handleEnvParsed("LC_" + i, value) == RequestHandler.Result.ReplySuccess ? 1 : 0;
        }
        Map<String, String> env = channel.getEnvironment().getEnv();
        int bytes = env.entrySet().stream().mapToInt(e -> (e.getKey() + e.getValue()).getBytes(StandardCharsets.UTF_8).length).sum();
        assertEquals(3, taken, "three of 1 KB fit in 4 KB");
        assertEquals(3, env.size());
        assertTrue(bytes <= 4096, bytes + " bytes kept");
    }

    @Test
    void entriesAreCountedAsTheyCome() throws Exception {
        for (int i = 0; i < 32; i++) {
            assertEquals(RequestHandler.Result.ReplySuccess, channel.handleEnvParsed("LANG", "C"), "request " + i);
        }
        assertEquals(RequestHandler.Result.ReplyFailure, channel.handleEnvParsed("LC_ALL", "C"),
                "the 33rd request is refused, however small and whichever names came before");
    }

    @Test
    void anythingButTerminalSettingsIsRefusedAndCostsNothing() throws Exception {
        for (int i = 0; i < 1000; i++) {
            assertEquals(RequestHandler.Result.ReplyFailure, channel.handleEnvParsed("LD_PRELOAD", "/tmp/evil.so"));
        }
        assertEquals(RequestHandler.Result.ReplySuccess, channel.handleEnvParsed("TERM", "xterm"));
        assertEquals(Map.of("TERM", "xterm"), channel.getEnvironment().getEnv());
    }
}
