import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/**
 * Runs `status` on a yucon gateway every PERIOD_MS over one SSH connection (password login), on a channel of its own
 * each time, and prints each answer's latency as "SAMPLE MILLIS BYTES PROBE_WAIT GATEWAY_WAIT" (BYTES 0: no answer),
 * until stdin closes. The waits are the milliseconds this process's threads and the gateway's (GATEWAY_PID) spent
 * runnable but not running during the sample (the kernel's schedstat, summed over threads): what of a slow answer
 * was a CPU that the machine did not give.
 * One client process for every sample: what is timed is the gateway's answer on an open connection. An `ssh` process
 * per sample (even multiplexed) timed mostly its own start while guests booted: `ssh -O check`, which asks only the
 * local master, took p50 34 ms and up to 1.2 s then (BENCHMARKS.md).
 *
 * <p>java -cp classes:lib/* StatusProbe HOST PORT USER PASSWORD PERIOD_MS GATEWAY_PID
 */
public final class StatusProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        long periodNanos = Long.parseLong(args[4]) * 1_000_000;
        Path gateway = Path.of("/proc", args[5], "task");
        Path probe = Path.of("/proc/self/task");
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
                Map<Path, Long> probeWait = runQueueNanos(probe);
                Map<Path, Long> gatewayWait = runQueueNanos(gateway);
                long t0 = System.nanoTime();
                int bytes = status(session);
                long took = System.nanoTime() - t0;
                System.out.printf("SAMPLE %.3f %d %s %s%n", took / 1e6, bytes,
                        waited(probeWait, runQueueNanos(probe)), waited(gatewayWait, runQueueNanos(gateway)));
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

    /**
     * Nanoseconds each thread under TASKS spent waiting on a run queue so far (the second field of its schedstat), by
     * the thread's directory. Only schedstat is read here, twice a sample: the probe's own reads take CPU from what it
     * measures.
     */
    private static Map<Path, Long> runQueueNanos(Path tasks) throws IOException {
        Map<Path, Long> byThread = new HashMap<>();
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                try {
                    byThread.put(thread, Long.parseLong(Files.readString(thread.resolve("schedstat")).split(" ")[1]));
                } catch (IOException gone) {
                    continue;   // the thread ended between the listing and the read
                }
            }
        }
        return byThread;
    }

    /** "TOTAL_MS[TID:NAME=MS,...]": the wait between two readings, in all and by the three threads that waited most. */
    private static String waited(Map<Path, Long> before, Map<Path, Long> after) {
        Map<Path, Long> delta = new HashMap<>();
        after.forEach((thread, nanos) -> delta.put(thread, nanos - before.getOrDefault(thread, 0L)));
        long total = delta.values().stream().mapToLong(Long::longValue).sum();
        String most = delta.entrySet().stream().sorted(Map.Entry.<Path, Long>comparingByValue().reversed()).limit(3)
                .map(e -> name(e.getKey()) + "=" + e.getValue() / 1_000_000).collect(Collectors.joining(","));
        return String.format("%.3f[%s]", total / 1e6, most);
    }

    /** "TID:NAME" of a thread (the name without spaces), or "TID:gone" once it has ended. */
    private static String name(Path thread) {
        try {
            return thread.getFileName() + ":" + Files.readString(thread.resolve("comm")).strip().replace(' ', '_');
        } catch (IOException gone) {
            return thread.getFileName() + ":gone";
        }
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
