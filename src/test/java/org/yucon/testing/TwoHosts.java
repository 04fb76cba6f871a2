package org.yucon.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.yucon.config.ConfigException;
import org.yucon.ssh.HostKeys;

/**
 * Two complete hosts of one fleet on loopback, each its own gateway, keeper, state and host keys, each pinning the
 * other's: uml1 on uml-host1, uml5 on uml-host2 (both off). Accounts on uml-host1: admin, uml5 (its guest on uml-host2),
 * frank (uml5 by uml-host1's files; uml-host2's give him nothing) and ghost (no account on uml-host2). Every login has
 * the password {@link TestHost#PASSWORD} and the key {@link #userKey()}. Closing stops both, whatever either does.
 */
public final class TwoHosts implements AutoCloseable {
    private final KeyPair userKey;
    private final TestHost host1;
    private final TestHost host2;

    private TwoHosts(KeyPair userKey, TestHost host1, TestHost host2) {
        this.userKey = userKey;
        this.host1 = host1;
        this.host2 = host2;
    }

    public static TwoHosts start(Path dir) throws IOException, GeneralSecurityException, ConfigException {
        KeyPair users = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        String key1 = hostKey(dir.resolve("h1"));
        String key2 = hostKey(dir.resolve("h2"));
        Path etc2 = TestHost.writeConfig(dir.resolve("h2"), users, List.of("uml5"));
        fleet(etc2, "uml-host2", "uml-host1", 1, key1);
        account(etc2, "frank", "guests = []");
        TestHost host2 = TestHost.serve(dir.resolve("h2"), users, etc2);
        try {
            Path etc1 = TestHost.writeConfig(dir.resolve("h1"), users, List.of("uml1"));
            fleet(etc1, "uml-host1", "uml-host2", host2.port(), key2);
            account(etc1, "uml5", "guests = [\"uml5\"]");
            account(etc1, "frank", "guests = [\"uml5\"]");
            account(etc1, "ghost", "guests = [\"uml5\"]");
            return new TwoHosts(users, TestHost.serve(dir.resolve("h1"), users, etc1), host2);
        } catch (IOException | ConfigException | RuntimeException e) {
            host2.close();
            throw e;
        }
    }

    public TestHost host1() {
        return host1;
    }

    public TestHost host2() {
        return host2;
    }

    public KeyPair userKey() {
        return userKey;
    }

    /** Generates the host's keys before it runs, so that its peer can pin them; the Ed25519 public key line. */
    public static String hostKey(Path hostDir) throws IOException {
        new HostKeys(hostDir.resolve("hostkeys")).ensure();
        return Files.readString(hostDir.resolve("hostkeys").resolve("ssh_host_ed25519_key.pub")).strip();
    }

    /** Makes the host of {@code etc} the fleet member {@code name}, with one peer. */
    public static void fleet(Path etc, String name, String peer, int port, String key) throws IOException {
        Files.writeString(etc.resolve("yucon.toml"), String.join("\n", "[fleet]", "name = \"" + name + "\"",
                "[[peer]]", "name = \"" + peer + "\"", "address = \"127.0.0.1\"", "port = " + port,
                "host_key = \"" + key + "\"", ""), StandardOpenOption.APPEND);
    }

    /** An account with the same password and key as the others. */
    private static void account(Path etc, String name, String grant) throws IOException {
        Path accounts = etc.resolve("accounts");
        List<String> admin = Files.readAllLines(accounts.resolve("admin.toml"));
        Files.writeString(accounts.resolve(name + ".toml"), admin.get(0) + "\n" + grant + "\n");
        Files.copy(accounts.resolve("admin.keys"), accounts.resolve(name + ".keys"));
    }

    @Override
    public void close() throws IOException {
        try (TestHost h1 = host1; TestHost h2 = host2) {
            // closed in reverse order, each whatever the other does
        }
    }
}
