package org.yucon.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * MINA's SSH client as a test's user of one gateway: it accepts only the given host key fingerprints, offers only
 * the test's key (nothing of the JVM user's ~/.ssh), runs exec verbs and opens raw consoles.
 */
public final class SshUser implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SshClient client;
    private final int port;
    private final KeyPair key;

    private SshUser(SshClient client, int port, KeyPair key) {
        this.client = client;
        this.port = port;
        this.key = key;
    }

    public static SshUser start(int port, KeyPair key, Collection<String> hostKeyFingerprints) {
        SshClient client = SshClient.setUpDefaultClient();
        Set<String> pinned = Set.copyOf(hostKeyFingerprints);
        client.setServerKeyVerifier((session, address, serverKey) -> pinned.contains(KeyUtils.getFingerPrint(serverKey)));
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.start();
        return new SshUser(client, port, key);
    }

    /** An authenticated session of {@code user}; the caller closes it. */
    public ClientSession login(String user) throws IOException {
        ClientSession session = client.connect(user, "127.0.0.1", port).verify(TIMEOUT).getSession();
        try {
            session.addPublicKeyIdentity(key);
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

    /** Runs an exec verb without a pty as {@code user} and waits for the gateway to end it. */
    public Result run(String user, String command) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ClientSession session = login(user); ChannelExec channel = session.createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(TIMEOUT);
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
            if (!events.contains(ClientChannelEvent.CLOSED)) {
                throw new AssertionError("'" + command + "' as " + user + " did not finish within "
                        + TIMEOUT.toSeconds() + " s: " + events + "; stdout so far: " + out.toString(StandardCharsets.UTF_8));
            }
            Integer status = channel.getExitStatus();
            return new Result(status == null ? -1 : status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
