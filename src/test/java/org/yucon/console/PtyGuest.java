package org.yucon.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pty4j.PtyProcessBuilder;
import com.pty4j.unix.UnixPtyProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import jnr.posix.POSIXFactory;

/**
 * A small Python program on a real pty as a stand-in guest for the tests of {@link ConsolePort}: the port holds the
 * pty's master, a reader drains it as the keeper's does, and what the program printed can be awaited. Closing it
 * stops the port, the program (by its pid) and the port's scheduler.
 */
final class PtyGuest implements AutoCloseable {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final UnixPtyProcess process;
    private final ConsolePort port;

    private PtyGuest(UnixPtyProcess process) {
        this.process = process;
        this.port = new ConsolePort(process, POSIXFactory.getNativePOSIX(), scheduler);
        Thread reader = new Thread(() -> port.drainInto(this::received), "test-console-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Runs {@code script} (written into {@code dir}) with {@code args}. */
    static PtyGuest start(Path dir, String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", Files.writeString(dir.resolve("guest.py"), script).toString()));
        command.addAll(List.of(args));
        return new PtyGuest((UnixPtyProcess) new PtyProcessBuilder(command.toArray(new String[0]))
                .setDirectory(dir.toString())
                .start());
    }

    ConsolePort port() {
        return port;
    }

    synchronized String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** Waits up to 10 s for {@code text} in what the program printed. */
    void await(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!printed().contains(text)) {
            assertTrue(System.nanoTime() < deadline, "waiting for '" + text + "', the guest printed: " + printed());
            Thread.sleep(10);
        }
    }

    private synchronized void received(byte[] bytes, int n) {
        printed.write(bytes, 0, n);
    }

    @Override
    public void close() throws InterruptedException {
        port.close();
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        scheduler.shutdownNow();
    }
}
