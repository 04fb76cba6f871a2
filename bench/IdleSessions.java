import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/**
 * Opens COUNT idle menu sessions on a yucon gateway (one SSH connection each, password login, a pty and a shell),
 * waits until every one has drawn its first menu frame, prints "READY COUNT SECONDS", then holds them until stdin
 * closes. One JVM for all of them keeps the client side cheap.
 *
 * <p>java -cp classes:lib/* IdleSessions HOST PORT USER PASSWORD COUNT
 */
public final class IdleSessions {
    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String user = args[2];
        String password = args[3];
        int count = Integer.parseInt(args[4]);

        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);   // not ~/.ssh: password only
        client.start();
        long t0 = System.nanoTime();
        CountDownLatch framed = new CountDownLatch(count);
        AtomicInteger failed = new AtomicInteger();
        List<ClientSession> sessions = new ArrayList<>();
        ExecutorService openers = Executors.newFixedThreadPool(16);
        for (int i = 0; i < count; i++) {
            openers.submit(() -> {
                try {
                    ClientSession session = client.connect(user, host, port).verify(Duration.ofSeconds(60)).getSession();
                    synchronized (sessions) {
                        sessions.add(session);
                    }
                    session.addPasswordIdentity(password);
                    session.auth().verify(Duration.ofSeconds(60));
                    ChannelShell shell = session.createShellChannel();
                    shell.setPtyType("xterm");
                    shell.setPtyColumns(80);
                    shell.setPtyLines(24);
                    shell.setOut(new FirstFrame(framed));
                    shell.setErr(OutputStream.nullOutputStream());
                    shell.open().verify(Duration.ofSeconds(60));
                } catch (Exception e) {
                    failed.incrementAndGet();
                    System.err.println("session failed: " + e);
                    framed.countDown();
                }
                return null;
            });
        }
        if (!framed.await(170, TimeUnit.SECONDS)) {
            System.out.println("TIMEOUT " + framed.getCount() + " sessions drew no menu");
            System.exit(1);
        }
        if (failed.get() > 0) {
            System.out.println("FAILED " + failed.get() + " of " + count);
            System.exit(1);
        }
        System.out.printf("READY %d %.1f%n", count, (System.nanoTime() - t0) / 1e9);
        System.out.flush();
        while (System.in.read() >= 0) {
            // Hold the sessions until the harness closes our stdin.
        }
        openers.shutdownNow();
        client.stop();
        System.exit(0);
    }

    /** Counts down once, when the text "Options:" of the first menu frame has arrived. */
    private static final class FirstFrame extends OutputStream {
        private final CountDownLatch latch;
        private final StringBuilder seen = new StringBuilder();
        private boolean done;

        FirstFrame(CountDownLatch latch) {
            this.latch = latch;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (done) {
                return;
            }
            seen.append(new String(b, off, len, java.nio.charset.StandardCharsets.ISO_8859_1));
            if (seen.indexOf("Options:") >= 0) {
                done = true;
                seen.setLength(0);
                latch.countDown();
            }
        }
    }
}
