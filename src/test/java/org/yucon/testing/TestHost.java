package org.yucon.testing;

import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import jnr.constants.platform.Signal;
import jnr.posix.POSIXFactory;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.yucon.Gateway;
import org.yucon.config.ConfigException;
import org.yucon.config.ConfigLoader;
import org.yucon.config.Configuration;
import org.yucon.console.ConsoleLogs;
import org.yucon.guest.GuestSupervisor;
import org.yucon.keeper.KeeperClient;

/**
 * A real gateway on a free loopback port with real UML guests, configured in a temporary directory:
 * guests as named, one account per guest (owning it), and {@code admin}. Every account has the password
 * {@value #PASSWORD} and the key {@link #userKey()}. Closing it kills every UML it started, by pid (with its process
 * group), whatever state the test left them in, then stops the gateway and its console keeper.
 */
public final class TestHost implements AutoCloseable {
    public static final String PASSWORD = "secret";
    private static final Duration GUESTS_DOWN = Duration.ofSeconds(10);

    private final Path dir;
    private final KeyPair userKey;
    /** Replaced by {@link #restartGateway}; used by the test's thread only. */
    private Gateway gateway;
    private final Configuration config;

    private TestHost(Path dir, KeyPair userKey, Configuration config, Gateway gateway) {
        this.dir = dir;
        this.userKey = userKey;
        this.config = config;
        this.gateway = gateway;
    }

    public static TestHost start(Path dir, String... guests) throws IOException, GeneralSecurityException, ConfigException {
        return start(dir, List.of(), guests);
    }

    /** As {@link #start(Path, String...)}, with {@code gatewayLines} added to yucon.toml (e.g. a [limits] section). */
    public static TestHost start(Path dir, List<String> gatewayLines, String... guests)
            throws IOException, GeneralSecurityException, ConfigException {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path etc = writeConfig(dir, key, List.of(guests));
        Files.write(etc.resolve("yucon.toml"), gatewayLines, StandardOpenOption.APPEND);
        return serve(dir, key, etc);
    }

    /**
     * As {@link #start(Path, String...)} with {@code rootImage} as every guest's root, each guest's file extended by
     * its lines: those before the first table header go on top (keys of the guest), the rest after its root disk
     * (more [[disk]]s, [[swap]], [network], [limits]).
     */
    public static TestHost startGuests(Path dir, Path rootImage, Map<String, List<String>> guestLines)
            throws IOException, GeneralSecurityException, ConfigException {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path etc = writeConfig(dir, key, List.copyOf(guestLines.keySet()), rootImage);
        for (Map.Entry<String, List<String>> guest : guestLines.entrySet()) {
            Path file = etc.resolve("guests").resolve(guest.getKey() + ".toml");
            List<String> lines = guest.getValue();
            int tables = (int) lines.stream().takeWhile(line -> !line.startsWith("[")).count();
            List<String> all = new ArrayList<>(lines.subList(0, tables));
            all.addAll(Files.readAllLines(file));
            all.addAll(lines.subList(tables, lines.size()));
            Files.write(file, all);
        }
        return serve(dir, key, etc);
    }

    /** Serves a configuration {@link #writeConfig} wrote and the test then changed; {@code key} is the users' key. */
    public static TestHost serve(Path dir, KeyPair key, Path etc) throws IOException, ConfigException {
        Configuration config = new ConfigLoader(etc).load();
        try {
            return new TestHost(dir, key, config, Gateway.start(config, Uml.kernel().binary()));
        } catch (IOException | RuntimeException e) {
            // A gateway that failed to start (its web port taken, say) may have started its keeper already: a CI run
            // left one running after such a failure, as no TestHost was there to close.
            stopKeeper(config.gateway().stateDir());
            throw e;
        }
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

    /**
     * Stops the gateway and starts another on the same configuration, as an upgrade does: the console keeper, and
     * the guests it holds, stay.
     */
    public void restartGateway() throws IOException {
        gateway.close();
        gateway = Gateway.start(config, Uml.kernel().binary());
    }

    public Configuration config() {
        return config;
    }

    /** The console log the keeper writes for {@code guest}. */
    public Path consoleLog(String guest) {
        return ConsoleLogs.of(ConsoleLogs.dir(config.gateway().stateDir()), guest);
    }

    public GuestSupervisor guest(String name) {
        return gateway.guests().get(name).orElseThrow();
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        // A test past its timeout is interrupted, and may be closing its host in a finally: the waits here must still
        // wait (for the keeper to reap the guests' helpers), so the flag is set aside until the host is down.
        boolean interrupted = Thread.interrupted();
        try {
            for (GuestSupervisor guest : gateway.guests().all()) {
                long pid = guest.status().pid();
                if (pid > 0) {
                    Uml.killWithGroup(pid);
                }
            }
            awaitGuestsDown();
        } finally {
            try {
                gateway.close();
                stopKeeper(config.gateway().stateDir());
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * A guest is down once the keeper has reaped its UML and killed what that UML left (its helpers): a keeper
     * stopped before that would leave them running. Bounded, and quiet: closing must not hide the test's own failure.
     */
    private void awaitGuestsDown() {
        long deadline = System.nanoTime() + GUESTS_DOWN.toNanos();
        while (gateway.guests().all().stream().anyMatch(guest -> guest.status().state().alive())
                && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The keeper outlives gateways by design; a test's keeper must not outlive the test. */
    private static void stopKeeper(Path state) throws IOException {
        if (Files.exists(state.resolve("keeper.pid"))) {
            POSIXFactory.getNativePOSIX().kill((int) KeeperClient.pid(state), Signal.SIGKILL.intValue());
        }
    }

    /**
     * Writes the configuration {@link #start} serves into {@code dir/etc} and returns that directory, without
     * starting anything: for tests that run the gateway as a process of its own ({@code yucon serve --etc}).
     * The state directory is {@code dir/state}, the host keys {@code dir/hostkeys}; the port is a free one.
     */
    public static Path writeConfig(Path dir, KeyPair key, List<String> guests) throws IOException {
        return writeConfig(dir, key, guests, Uml.image());
    }

    private static Path writeConfig(Path dir, KeyPair key, List<String> guests, Path rootImage) throws IOException {
        Path etc = dir.resolve("etc");
        Files.createDirectories(etc.resolve("guests"));
        Files.createDirectories(etc.resolve("accounts"));
        int sshPort = freePort();
        int webPort = freePort();
        while (webPort == sshPort) {
            // Each is free when picked, at random, so the two picks can be one port: the one clash a configuration
            // makes itself (a run failed because its web page could not bind, the SSH port then unknown).
            webPort = freePort();
        }
        Files.writeString(etc.resolve("yucon.toml"), String.join("\n",
                "[ssh]",
                "port = " + sshPort,
                "host_keys = \"" + dir.resolve("hostkeys") + "\"",
                "[paths]",
                "state = \"" + dir.resolve("state") + "\"",
                "[web]",
                "port = " + webPort,
                ""));
        String hash = Sha2Crypt.sha512Crypt(PASSWORD.getBytes(StandardCharsets.UTF_8));
        String publicKey = PublicKeyEntry.toString(key.getPublic());
        List<String> accounts = new ArrayList<>(guests);
        accounts.add("admin");
        for (String guest : guests) {
            Files.writeString(etc.resolve("guests").resolve(guest + ".toml"), String.join("\n",
                    // Room to spare for what the tests run in the guests (busybox needs far less).
                    "memory = \"128M\"",
                    "shutdown_timeout = \"10s\"",
                    "[[disk]]",
                    "image = \"" + rootImage + "\"",
                    // a directory per guest, which yucon creates and hands to the guest's own user if it has one
                    "cow = \"" + dir.resolve("state").resolve("cow").resolve(guest).resolve("root.cow") + "\"",
                    ""));
        }
        for (String account : accounts) {
            String grant = account.equals("admin") ? "admin = true" : "guests = [\"" + account + "\"]";
            Files.writeString(etc.resolve("accounts").resolve(account + ".toml"), "password = \"" + hash + "\"\n" + grant + "\n");
            Files.writeString(etc.resolve("accounts").resolve(account + ".keys"), publicKey + "\n");
        }
        return etc;
    }

    /**
     * A port that is free now, below the kernel's ephemeral range (32768 and up): a port that bind(0) handed out and
     * that was closed again could be taken by any outgoing connection (FloodsIT makes thousands, other test runs share
     * the host) before the gateway binds it. Random, so that test JVMs side by side rarely pick the same one.
     */
    public static int freePort() throws IOException {
        for (int tries = 0; tries < 100; tries++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32768);
            try (ServerSocket socket = new ServerSocket(port)) {
                return socket.getLocalPort();
            } catch (BindException taken) {
                // Tried again with another.
            }
        }
        throw new IOException("no free port between 20000 and 32767 in 100 tries");
    }
}
