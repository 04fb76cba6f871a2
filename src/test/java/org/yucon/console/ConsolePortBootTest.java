package org.yucon.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stall kicks on a real pty, with a guest that starts as UML does: it catches SIGIO long before it can take one (a
 * SIGIO before its interrupts exist can hang UML for good), and SIGALRM only once it can. It prints a line (which
 * starts a lull, and a lull brings kicks), stays in its "early boot" for longer than a lull's kicks last, then says
 * how many SIGIOs reached it there, starts catching SIGALRM and prints again; from then on it notes a kick once.
 */
class ConsolePortBootTest {
    private static final String GUEST = String.join("\n",
            "import os, signal, time, tty",
            "tty.setraw(0)",
            "early = []",
            "signal.signal(signal.SIGIO, lambda *_: early.append(1))",
            "os.write(1, b'starting\\r\\n')",
            "time.sleep(0.6)",
            "kicked = []",
            "def kick(*_):",
            "    if not kicked:",
            "        kicked.append(1)",
            "        os.write(1, b'kicked\\r\\n')",
            "signal.signal(signal.SIGIO, kick)",
            "signal.signal(signal.SIGALRM, lambda *_: None)",
            "os.write(1, b'early kicks %d\\r\\n' % len(early))",
            "while True:",
            "    time.sleep(1)");

    @TempDir
    Path dir;

    @Test
    void kicksOnlyAGuestThatAlsoCatchesSigalrm() throws Exception {
        try (PtyGuest guest = PtyGuest.start(dir, GUEST)) {
            guest.await("\r\nkicked\r\n");
            assertTrue(guest.printed().startsWith("starting\r\nearly kicks 0\r\n"), guest.printed());
        }
    }
}
