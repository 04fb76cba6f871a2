package org.yucon.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.yucon.ssh.HostKeys;

/**
 * MINA's SSH client as a test's user of one gateway: it accepts only the given host key fingerprints, offers only
 * the test's key or password (nothing of the JVM user's ~/.ssh), runs exec verbs and opens raw consoles.
 */
public final class SshUser implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The status of a {@link Result} when the gateway ended the verb without sending one. */
    private static final int NO_STATUS = -1;

    private final SshClient client;
    private final int port;
    private final KeyPair key;

    private SshUser(SshClient client, int port, KeyPair key) {
        this.client = client;
        this.port = port;
        this.key = key;
    }

    public static SshUser start(int port, KeyPair key, Collection<String> hostKeyFingerprints) {
        return start(port, key, hostKeyFingerprints, client -> { });
    }

    /** As {@link #start}, with {@code tuning} applied to the client before it starts (its sessions read it then). */
    private static SshUser start(int port, KeyPair key, Collection<String> hostKeyFingerprints, Consumer<SshClient> tuning) {
        SshClient client = SshClient.setUpDefaultClient();
        Set<String> pinned = Set.copyOf(hostKeyFingerprints);
        client.setServerKeyVerifier((session, address, serverKey) -> pinned.contains(KeyUtils.getFingerPrint(serverKey)));
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        // As OpenSSH does: with Nagle on, a client's second small packet waits for the gateway's delayed ACK (40 ms).
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        tuning.accept(client);
        client.start();
        return new SshUser(client, port, key);
    }

    /** A user of {@code host}'s gateway with its {@link TestHost#userKey() key}, trusting only its host keys. */
    public static SshUser of(TestHost host) {
        return of(host, client -> { });
    }

    /** As {@link #of(TestHost)}, with {@code tuning} applied to the MINA client before it starts. */
    public static SshUser of(TestHost host, Consumer<SshClient> tuning) {
        return start(host.port(), host.userKey(), host.gateway().hostKeys().stream().map(HostKeys.HostKey::fingerprint).toList(), tuning);
    }

    /** An authenticated session of {@code user} with the test's key; the caller closes it. */
    public ClientSession login(String user) throws IOException {
        return login(user, session -> session.addPublicKeyIdentity(key));
    }

    /** An authenticated session of {@code user} with {@code password} (and no key); the caller closes it. */
    public ClientSession loginWithPassword(String user, String password) throws IOException {
        return login(user, session -> session.addPasswordIdentity(password));
    }

    /**
     * A session of {@code user} from the local address {@code from} (on Linux any of 127.0.0.0/8, so that a test can
     * be many clients), connected but not yet authenticated; the caller closes it.
     */
    public ClientSession connect(String user, String from) throws IOException {
        return client.connect(user, new InetSocketAddress("127.0.0.1", port), new InetSocketAddress(from, 0))
                .verify(TIMEOUT).getSession();
    }

    /** As {@link #login(String)}, from {@code localAddress} (loopback is a whole /8: 127.0.0.2 is another client). */
    public ClientSession loginFrom(String user, String localAddress) throws IOException {
        return login(user, localAddress, session -> session.addPublicKeyIdentity(key));
    }

    private ClientSession login(String user, Consumer<ClientSession> identity) throws IOException {
        return login(user, "127.0.0.1", identity);
    }

    /** Closes the session when authentication fails, so that no test leaks a connection. */
    private ClientSession login(String user, String localAddress, Consumer<ClientSession> identity) throws IOException {
        ClientSession session = client.connect(user, new InetSocketAddress("127.0.0.1", port),
                new InetSocketAddress(localAddress, 0)).verify(TIMEOUT).getSession();
        try {
            identity.accept(session);
            session.auth().verify(TIMEOUT);
            return session;
        } catch (IOException | RuntimeException e) {
            session.close(true);
            throw e;
        }
    }

    /** What an exec verb printed and its exit status. */
    public record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + ", stdout '" + out.strip() + "', stderr '" + err.strip() + "'";
        }
    }

    /** Runs an exec verb without a pty in {@code session}; fails unless the gateway ends it with an exit status. */
    public static Result run(ClientSession session, String command) throws IOException {
        Result result = exec(session, command);
        if (result.status() == NO_STATUS) {
            throw new AssertionError("'" + command + "' as " + session.getUsername() + " ended without an exit status; " + result);
        }
        return result;
    }

    /**
     * Runs an exec verb without a pty as {@code user}, in a session of its own, and waits for the gateway to end it;
     * the status is -1 if the gateway sent none (say, going down meanwhile).
     */
    public Result run(String user, String command) throws IOException {
        return run(user, command, TIMEOUT);
    }

    /** As {@link #run(String, String)}, for a verb that may take up to {@code timeout} to answer. */
    public Result run(String user, String command, Duration timeout) throws IOException {
        try (ClientSession session = login(user)) {
            return exec(session, command, timeout);
        }
    }

    private static Result exec(ClientSession session, String command) throws IOException {
        return exec(session, command, TIMEOUT);
    }

    private static Result exec(ClientSession session, String command, Duration timeout) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(TIMEOUT);
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (!events.contains(ClientChannelEvent.CLOSED)) {
                throw new AssertionError("'" + command + "' as " + session.getUsername() + " did not finish within "
                        + timeout.toSeconds() + " s: " + events + "; stdout so far: " + out.toString(StandardCharsets.UTF_8));
            }
            Integer status = channel.getExitStatus();
            return new Result(status == null ? NO_STATUS : status, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        }
    }

    /** The {@code console} verb of {@code user} on an xterm of {@code columns} x {@code rows}, in a session of its own. */
    public RawConsole console(String user, int columns, int rows) throws IOException {
        ClientSession session = login(user);
        return RawConsole.open(session, session.createExecChannel("console"), columns, rows, 4 << 20);
    }

    /**
     * Like {@link #console(String, int, int)}, but the client grants the gateway a window of only
     * {@code windowBytes} and keeps at most {@code keep} bytes of the output.
     */
    public RawConsole console(String user, int columns, int rows, long windowBytes, int keep) throws IOException {
        ClientSession session = login(user);
        CoreModuleProperties.WINDOW_SIZE.set(session, windowBytes);
        return RawConsole.open(session, session.createExecChannel("console"), columns, rows, keep);
    }

    @Override
    public void close() {
        client.stop();
    }
}
