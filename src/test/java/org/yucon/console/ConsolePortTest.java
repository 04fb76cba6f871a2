package org.yucon.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pty4j.PtyProcessBuilder;
import com.pty4j.unix.UnixPtyProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's kicks, on a real pty, with a guest that (like UML) catches SIGIO and counts what it gets. */
class ConsolePortTest {
    /** Takes no input and prints nothing after "ready": every SIGIO it gets is counted in the file argv[1]. */
    private static final String GUEST = String.join("\n",
            "import os, signal, sys, time, tty",
            "tty.setraw(0)",
            "count = 0",
            "def kicked(*_):",
            "    global count",
            "    count += 1",
            "    with open(sys.argv[1] + '.new', 'w') as f: f.write(str(count))",
            "    os.replace(sys.argv[1] + '.new', sys.argv[1])",
            "signal.signal(signal.SIGIO, kicked)",
            "os.write(1, b'ready')",
            "while True: time.sleep(1)");

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private UnixPtyProcess guest;
    private ConsolePort port;

    @AfterEach
    void stop() throws InterruptedException {
        if (port != null) {
            port.close();
        }
        if (guest != null) {
            guest.destroyForcibly();
            guest.waitFor(10, TimeUnit.SECONDS);
        }
        scheduler.shutdownNow();
    }

    /**
     * A key that gets no answer earns the guest a SIGIO well before the stall kicks (at least 20 ms after the
     * key, since typing is activity): UML can miss the wake-up for a key that reaches it as it goes idle.
     */
    @Test
    void unansweredInputIsFollowedBySigioAtOnce() throws Exception {
        Path kicks = dir.resolve("kicks");
        start(kicks);
        long fastest = Long.MAX_VALUE;
        for (int key = 0; key < 5 && fastest >= TimeUnit.MILLISECONDS.toNanos(15); key++) {
            int before = count(kicks);
            long typed = System.nanoTime();
            port.write(new byte[] {'k'}, 0, 1);
            while (count(kicks) == before) {
                Thread.sleep(0, 200_000);
                assertTrue(System.nanoTime() - typed < TimeUnit.SECONDS.toNanos(5), "no SIGIO after a key");
            }
            fastest = Math.min(fastest, System.nanoTime() - typed);
        }
        assertTrue(fastest < TimeUnit.MILLISECONDS.toNanos(15),
                "the first SIGIO after a key came after " + fastest / 1_000_000 + " ms at best, as a stall kick");
    }

    private void start(Path kicks) throws IOException, InterruptedException {
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

    private synchronized void received(byte[] bytes, int n) {
        printed.write(bytes, 0, n);
    }

    private synchronized String printedSoFar() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static int count(Path kicks) throws IOException {
        return Files.exists(kicks) ? Integer.parseInt(Files.readString(kicks).trim()) : 0;
    }
}
