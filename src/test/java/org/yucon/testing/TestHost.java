package org.yucon.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.yucon.Gateway;
import org.yucon.config.ConfigException;
import org.yucon.config.ConfigLoader;
import org.yucon.config.Configuration;
import org.yucon.guest.GuestSupervisor;
import org.yucon.keeper.KeeperClient;

/**
 * A real gateway on a free loopback port with real UML guests, configured in a temporary directory:
 * guests as named, one account per guest (owning it), and {@code admin}. Every account has the password
 * {@value #PASSWORD} and the key {@link #userKey()}. Closing it kills every UML it started, by pid, whatever
 * state the test left them in, then stops the gateway and its console keeper.
 */
public final class TestHost implements AutoCloseable {
    public static final String PASSWORD = "secret";

    private final Path dir;
    private final KeyPair userKey;
    private final Gateway gateway;
    private final Configuration config;

    private TestHost(Path dir, KeyPair userKey, Configuration config, Gateway gateway) {
        this.dir = dir;
        this.userKey = userKey;
        this.config = config;
        this.gateway = gateway;
    }

    public static TestHost start(Path dir, String... guests) throws IOException, GeneralSecurityException, ConfigException {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path etc = writeConfig(dir, key, List.of(guests));
        Configuration config = new ConfigLoader(etc).load();
        return new TestHost(dir, key, config, Gateway.start(config, Uml.kernel().binary()));
    }

    public int port() {
        return gateway.port();
    }

    public KeyPair userKey() {
        return userKey;
    }

    public Gateway gateway() {
        return gateway;
    }

    public Configuration config() {
        return config;
    }

    public GuestSupervisor guest(String name) {
        return gateway.guests().get(name).orElseThrow();
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        POSIX posix = POSIXFactory.getNativePOSIX();
        try {
            for (GuestSupervisor guest : gateway.guests().all()) {
                long pid = guest.status().pid();
                if (pid > 0) {
                    posix.kill((int) pid, Signal.SIGKILL.intValue());
                }
            }
        } finally {
            gateway.close();
            stopKeeper(posix);
        }
    }

    /** The keeper outlives gateways by design; a test's keeper must not outlive the test. */
    private void stopKeeper(POSIX posix) throws IOException {
        Path state = config.gateway().stateDir();
        if (Files.exists(state.resolve("keeper.pid"))) {
            posix.kill((int) KeeperClient.pid(state), Signal.SIGKILL.intValue());
        }
    }

    private static Path writeConfig(Path dir, KeyPair key, List<String> guests) throws IOException {
        Path etc = dir.resolve("etc");
        Files.createDirectories(etc.resolve("guests"));
        Files.createDirectories(etc.resolve("accounts"));
        Files.writeString(etc.resolve("yucon.toml"), String.join("\n",
                "[ssh]",
                "port = " + freePort(),
                "host_keys = \"" + dir.resolve("hostkeys") + "\"",
                "[paths]",
                "state = \"" + dir.resolve("state") + "\"",
                ""));
        String hash = Sha2Crypt.sha512Crypt(PASSWORD.getBytes(StandardCharsets.UTF_8));
        String publicKey = PublicKeyEntry.toString(key.getPublic());
        List<String> accounts = new ArrayList<>(guests);
        accounts.add("admin");
        for (String guest : guests) {
            Files.writeString(etc.resolve("guests").resolve(guest + ".toml"), String.join("\n",
                    "memory = \"64M\"",
                    "shutdown_timeout = \"10s\"",
                    "[[disk]]",
                    "image = \"" + Uml.image() + "\"",
                    "cow = \"" + dir.resolve("state").resolve(guest + ".cow") + "\"",
                    ""));
        }
        for (String account : accounts) {
            String grant = account.equals("admin") ? "admin = true" : "guests = [\"" + account + "\"]";
            Files.writeString(etc.resolve("accounts").resolve(account + ".toml"), "password = \"" + hash + "\"\n" + grant + "\n");
            Files.writeString(etc.resolve("accounts").resolve(account + ".keys"), publicKey + "\n");
        }
        return etc;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
