package org.yucon.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stall kicks, on a real pty, with a guest that (like a running UML) catches SIGIO and SIGALRM: it prints "ready",
 * then nothing, takes no input, and writes down each SIGIO it gets in a file: when, in seconds of CLOCK_MONOTONIC,
 * the clock of {@link System#nanoTime} too.
 */
class ConsolePortTest {
    /** The handler only notes the time (Python may run it inside itself when kicks come close); the loop writes. */
    private static final String GUEST = String.join("\n",
            "import os, signal, sys, time, tty",
            "tty.setraw(0)",
            "kicks = []",
            "signal.signal(signal.SIGIO, lambda *_: kicks.append(time.monotonic()))",
            "signal.signal(signal.SIGALRM, lambda *_: None)",
            "os.write(1, b'ready')",
            "written = 0",
            "while True:",
            "    time.sleep(0.002)",
            "    if len(kicks) != written:",
            "        written = len(kicks)",
            "        with open(sys.argv[1] + '.new', 'w') as f: f.write(' '.join('%.6f' % k for k in kicks[:written]))",
            "        os.replace(sys.argv[1] + '.new', sys.argv[1])");
    private static final int KICKS_PER_LULL = 7;
    private static final int KICKS_PER_INPUT = 7;

    @TempDir
    Path dir;

    private Path kicks;
    private PtyGuest guest;
    private ConsolePort port;

    @BeforeEach
    void start() throws IOException, InterruptedException {
        kicks = dir.resolve("kicks");
        guest = PtyGuest.start(dir, GUEST, kicks.toString());
        port = guest.port();
        guest.await("ready");
    }

    @AfterEach
    void stop() throws InterruptedException {
        guest.close();
    }

    /**
     * A quiet guest is asked only a few times per lull; typing is activity, and starts a new lull, in which a key
     * that gets no answer has kicks of its own. (Counted by the guest, which sees fewer when two kicks come before its
     * handler runs: signals of one kind do not queue.)
     */
    @Test
    void kicksAQuietConsoleAFewTimesPerLull() throws Exception {
        int first = awaitLullOver(0);
        assertTrue(first >= 1 && first <= KICKS_PER_LULL, "kicks in the first lull: " + kicksSoFar());
        port.write(new byte[] {'k'}, 0, 1);
        int second = awaitLullOver(first) - first;
        assertTrue(second >= 1 && second <= KICKS_PER_LULL + KICKS_PER_INPUT, "kicks in the second lull: " + kicksSoFar());
    }

    /**
     * A UML flood stalls many times (a lost wake-up), each stall as long as the first kick takes: so it comes within
     * a few milliseconds of the last activity (it was 20-40 ms). The best of three keys, after a first lull (the
     * first kick of a JVM binds the native kill and takes far longer).
     */
    @Test
    void kicksSoonAfterTheLastActivity() throws Exception {
        int seen = awaitLullOver(0);
        long fastest = Long.MAX_VALUE;
        for (int key = 0; key < 3; key++) {
            long typed = System.nanoTime();
            port.write(new byte[] {'k'}, 0, 1);
            while (kicksSoFar().size() == seen) {
                assertTrue(System.nanoTime() - typed < TimeUnit.SECONDS.toNanos(5), "no kick after a key");
                Thread.sleep(0, 500_000);
            }
            fastest = Math.min(fastest, System.nanoTime() - typed);
            seen = awaitLullOver(seen);
        }
        assertTrue(fastest < TimeUnit.MILLISECONDS.toNanos(15),
                "the first kick of a lull came " + fastest / 1_000_000 + " ms after the key at best");
    }

    /**
     * A key typed late in a lull, when that lull's next kick is 24 ms away, is kicked within milliseconds of its write,
     * not at that kick: a UML that took the key's SIGIO as it went idle sleeps on with the key unread, as this guest
     * does with every key (it never answers). Best of three.
     */
    @Test
    void aKeyTypedLateInALullIsKickedSoon() throws Exception {
        int seen = awaitLullOver(0);
        long fastest = Long.MAX_VALUE;
        for (int key = 0; key < 3; key++) {
            port.write(new byte[] {'a'}, 0, 1);
            Thread.sleep(40);   // the kicks of 'a' at 2, 4 ... 32 ms have come, the next is due at 64 ms
            long typed = System.nanoTime();
            port.write(new byte[] {'b'}, 0, 1);
            fastest = Math.min(fastest, awaitKickAfter(typed) - typed);
            seen = awaitLullOver(seen);
        }
        assertTrue(fastest < TimeUnit.MILLISECONDS.toNanos(10),
                "the first kick after a key typed late in a lull came " + fastest / 1000 + " µs after it at best");
    }

    /** The mask is read as Linux writes it (hex after a tab); a status without one, or garbled, means "catches none". */
    @Test
    void readsTheCaughtSignalsFromProcStatus() {
        String status = "Name:\tlinux\nSigBlk:\t0000000000000000\nSigCgt:\t0000000010004a02\nCapInh:\t0\n";
        assertEquals(0x10004a02L, ConsolePort.caughtSignals(status.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0, ConsolePort.caughtSignals("Name:\tx\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0, ConsolePort.caughtSignals("Name:\tx\nSigCgt:\tzz\n".getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * Waits for kicks beyond the {@code before} already seen, then for 400 ms without any (a lull's last kick comes
     * 128 ms after its first); returns how many the guest has seen in all.
     */
    private int awaitLullOver(int before) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int seen = before;
        long quietSince = System.nanoTime();
        while (seen == before || System.nanoTime() - quietSince < TimeUnit.MILLISECONDS.toNanos(400)) {
            assertTrue(System.nanoTime() < deadline, "kicks so far: " + kicksSoFar());
            Thread.sleep(10);
            int now = kicksSoFar().size();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            }
        }
        return seen;
    }

    /** The time (System.nanoTime) of the first kick the guest got after {@code typed}. */
    private long awaitKickAfter(long typed) throws IOException, InterruptedException {
        long deadline = typed + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            for (double kick : kicksSoFar()) {
                long at = (long) (kick * 1e9);
                if (at - typed > 0) {
                    return at;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no kick after a key; kicks so far: " + kicksSoFar());
            Thread.sleep(1);
        }
    }

    private List<Double> kicksSoFar() throws IOException {
        if (Files.notExists(kicks)) {
            return List.of();
        }
        return Arrays.stream(Files.readString(kicks).trim().split(" ")).map(Double::valueOf).toList();
    }
}
