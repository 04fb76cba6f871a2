import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/**
 * Runs `status` on a yucon gateway every PERIOD_MS over one SSH connection (password login), on a channel of its own
 * each time, and prints each answer's latency as "SAMPLE MILLIS BYTES" (BYTES 0: no answer), until stdin closes.
 * One client process for every sample: what is timed is the gateway's answer on an open connection. An `ssh` process
 * per sample (even multiplexed) timed mostly its own start while guests booted: `ssh -O check`, which asks only the
 * local master, took p50 34 ms and up to 1.2 s then (BENCHMARKS.md).
 *
 * <p>java -cp classes:lib/* StatusProbe HOST PORT USER PASSWORD PERIOD_MS
 */
public final class StatusProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        long periodNanos = Long.parseLong(args[4]) * 1_000_000;
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);   // not ~/.ssh: password only
        client.start();
        Thread untilStdinCloses = new Thread(StatusProbe::exitAtEndOfInput, "stdin");
        untilStdinCloses.setDaemon(true);
        untilStdinCloses.start();
        try (ClientSession session = client.connect(args[2], args[0], Integer.parseInt(args[1])).verify(TIMEOUT).getSession()) {
            session.addPasswordIdentity(args[3]);
            session.auth().verify(TIMEOUT);
            System.out.println("READY");
            while (true) {
                long t0 = System.nanoTime();
                int bytes = status(session);
                long took = System.nanoTime() - t0;
                System.out.printf("SAMPLE %.3f %d%n", took / 1e6, bytes);
                System.out.flush();
                Thread.sleep(Math.max(0, (periodNanos - took) / 1_000_000));
            }
        }
    }

    private static int status(ClientSession session) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ChannelExec exec = session.createExecChannel("status")) {
            exec.setOut(out);
            exec.setErr(OutputStream.nullOutputStream());
            exec.open().verify(TIMEOUT);
            exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
        }
        return out.size();
    }

    private static void exitAtEndOfInput() {
        try {
            while (System.in.read() >= 0) {
                continue;
            }
        } catch (IOException e) {
            // the harness is gone: so is the reason to sample
        }
        System.exit(0);
    }
}
