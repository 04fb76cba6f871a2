package org.yucon.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Window sizes on a real pty, with a guest that starts as UML does: it catches SIGWINCH first but cannot take one
 * yet, and only once it also catches SIGALRM may its tty's size change (UML panics otherwise). When the test says
 * go, it prints the size its tty has (0 0 unless a size reached it too early), starts catching SIGALRM, and from
 * then on prints the size on each SIGWINCH.
 */
class ConsolePortSizeTest {
    private static final String GUEST = String.join("\n",
            "import fcntl, os, signal, struct, termios, time, tty",
            "tty.setraw(0)",
            "def size():",
            "    return b'%d %d' % struct.unpack('hh', fcntl.ioctl(0, termios.TIOCGWINSZ, b'1234'))",
            "signal.signal(signal.SIGWINCH, lambda *_: None)",
            "os.write(1, b'starting\\r\\n')",
            "os.read(0, 1)",
            "os.write(1, b'early size ' + size() + b'\\r\\n')",
            "signal.signal(signal.SIGWINCH, lambda *_: os.write(1, b'size ' + size() + b'\\r\\n'))",
            "signal.signal(signal.SIGALRM, lambda *_: None)",
            "while True:",
            "    time.sleep(1)");

    @TempDir
    Path dir;

    /** The boot's size and a writer's, both before the guest can take one: it gets only the writer's, once it can. */
    @Test
    void holdsSizesUntilTheGuestCanTakeOneThenGivesItTheLatest() throws Exception {
        try (PtyGuest guest = PtyGuest.start(dir, GUEST)) {
            ConsolePort port = guest.port();
            guest.await("starting");

            port.resize(80, 24);
            port.resize(100, 30);
            port.write(new byte[] {'g'}, 0, 1);
            guest.await("\nsize 30 100\r\n");

            port.resize(120, 40);
            guest.await("\nsize 40 120\r\n");
            assertEquals(String.join("\r\n", "starting", "early size 0 0", "size 30 100", "size 40 120", ""), guest.printed(),
                    "what the guest printed");
        }
    }
}
