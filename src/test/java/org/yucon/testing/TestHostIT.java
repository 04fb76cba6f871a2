package org.yucon.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.keeper.KeeperClient;

/** The test host leaves no process behind, also when its gateway fails to start after starting its keeper. */
class TestHostIT {
    @TempDir
    Path dir;

    @Test
    void aGatewayThatFailsToStartLeavesNoKeeper() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path etc = TestHost.writeConfig(dir, key, List.of("uml1"));
        String toml = Files.readString(etc.resolve("yucon.toml"));
        try (ServerSocket taken = new ServerSocket(0)) {
            Files.writeString(etc.resolve("yucon.toml"),
                    toml.replaceAll("(\\[web\\]\\nport = )\\d+", "$1" + taken.getLocalPort()));
            assertThrows(IOException.class, () -> TestHost.serve(dir, key, etc), "the web page's port is taken");
        }
        long keeper = KeeperClient.pid(dir.resolve("state"));
        Await.until("keeper " + keeper + " stopped", Duration.ofSeconds(10),
                () -> ProcessHandle.of(keeper).map(p -> !p.isAlive()).orElse(true), () -> "it runs");
    }
}
