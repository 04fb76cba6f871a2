package org.yucon.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pty4j.PtyProcessBuilder;
import com.pty4j.unix.UnixPtyProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stall kicks, on a real pty, with a guest that (like UML) catches SIGIO: it prints "ready", then nothing, takes
 * no input, and writes down each SIGIO it gets (milliseconds since it printed) in a file.
 */
class ConsolePortTest {
    private static final String GUEST = String.join("\n",
            "import os, signal, sys, time, tty",
            "tty.setraw(0)",
            "kicks = []",
            "def kicked(*_):",
            "    kicks.append('%.1f' % ((time.monotonic() - printed) * 1000))",
            "    with open(sys.argv[1] + '.new', 'w') as f: f.write(' '.join(kicks))",
            "    os.replace(sys.argv[1] + '.new', sys.argv[1])",
            "signal.signal(signal.SIGIO, kicked)",
            "printed = time.monotonic()",
            "os.write(1, b'ready')",
            "while True: time.sleep(1)");
    private static final int KICKS_PER_LULL = 7;

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private Path kicks;
    private UnixPtyProcess guest;
    private ConsolePort port;

    @BeforeEach
    void start() throws IOException, InterruptedException {
        kicks = dir.resolve("kicks");
        Path script = Files.writeString(dir.resolve("guest.py"), GUEST);
        guest = (UnixPtyProcess) new PtyProcessBuilder(new String[] {"python3", script.toString(), kicks.toString()})
                .setDirectory(dir.toString())
                .start();
        port = new ConsolePort(guest, POSIXFactory.getNativePOSIX(), scheduler);
        Thread reader = new Thread(() -> port.drainInto(this::received), "test-console-reader");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!printedSoFar().contains("ready")) {
            assertTrue(System.nanoTime() < deadline, "the guest did not start: " + printedSoFar());
            Thread.sleep(10);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        port.close();
        guest.destroyForcibly();
        guest.waitFor(10, TimeUnit.SECONDS);
        scheduler.shutdownNow();
    }

    /** A quiet guest is asked only a few times per lull; typing is activity, and starts a new lull. */
    @Test
    void kicksAQuietConsoleAFewTimesPerLull() throws Exception {
        awaitKicks(KICKS_PER_LULL);
        Thread.sleep(600);
        assertEquals(KICKS_PER_LULL, kicksSoFar().size(), "kicks after the lull's last: " + kicksSoFar());
        port.write(new byte[] {'k'}, 0, 1);
        awaitKicks(2 * KICKS_PER_LULL);
        Thread.sleep(600);
        assertEquals(2 * KICKS_PER_LULL, kicksSoFar().size(), "kicks after the second lull's last: " + kicksSoFar());
    }

    /**
     * A UML flood stalls many times (a lost wake-up), each stall as long as the first kick takes: so it comes within
     * a few milliseconds of the last activity (it was 20-40 ms). The best of three keys, after a first lull (the
     * first kick of a JVM binds the native kill and takes far longer).
     */
    @Test
    void kicksSoonAfterTheLastActivity() throws Exception {
        awaitKicks(KICKS_PER_LULL);
        long fastest = Long.MAX_VALUE;
        for (int lull = 2; lull <= 4; lull++) {
            int before = kicksSoFar().size();
            long typed = System.nanoTime();
            port.write(new byte[] {'k'}, 0, 1);
            while (kicksSoFar().size() == before) {
                assertTrue(System.nanoTime() - typed < TimeUnit.SECONDS.toNanos(5), "no kick after a key");
                Thread.sleep(0, 500_000);
            }
            fastest = Math.min(fastest, System.nanoTime() - typed);
            awaitKicks(lull * KICKS_PER_LULL);
        }
        assertTrue(fastest < TimeUnit.MILLISECONDS.toNanos(15),
                "the first kick of a lull came " + fastest / 1_000_000 + " ms after the key at best");
    }

    private List<Double> awaitKicks(int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (kicksSoFar().size() < count) {
            assertTrue(System.nanoTime() < deadline, "kicks so far: " + kicksSoFar());
            Thread.sleep(5);
        }
        return kicksSoFar();
    }

    private List<Double> kicksSoFar() throws IOException {
        if (Files.notExists(kicks)) {
            return List.of();
        }
        return Arrays.stream(Files.readString(kicks).trim().split(" ")).map(Double::valueOf).toList();
    }

    private synchronized void received(byte[] bytes, int n) {
        printed.write(bytes, 0, n);
    }

    private synchronized String printedSoFar() {
        return printed.toString(StandardCharsets.UTF_8);
    }
}
