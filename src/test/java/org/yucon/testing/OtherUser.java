package org.yucon.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small Python program run as {@value #USER}, another local user of the host as the threat model has them: no
 * rights to the gateway's files, but free to open any socket the kernel lets it. Its output (stdout and stderr) is
 * gathered as it comes; closing it kills it by pid if it still runs.
 */
public final class OtherUser implements AutoCloseable {
    /** An unprivileged user every Debian host has. */
    public static final String USER = "nobody";
    /** The system's Python: a per-user one (pyenv under /root) is out of that user's reach. */
    private static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    // Appended by the reader thread, read by the test's thread.
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private OtherUser(Process process) {
        this.process = process;
        this.reader = new Thread(this::gather, "other-user-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code program} (Python source) with {@code args} as {@code sys.argv[1:]}. */
    public static OtherUser run(String program, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=nogroup", "--clear-groups",
                PYTHON, "-c", program));
        command.addAll(List.of(args));
        return new OtherUser(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    public long pid() {
        return process.pid();
    }

    /** What it printed so far. */
    public String output() {
        return output.toString();
    }

    /** Waits until it printed {@code text}; fails with its output if it does not within {@code timeout}. */
    public void awaitOutput(String text, Duration timeout) {
        Await.until(USER + "'s program to print " + text, timeout, () -> output().contains(text), this::output);
    }

    /** Waits for it to end and returns all it printed. */
    public String awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(USER + "'s program did not end within " + timeout.toSeconds() + " s; printed:\n" + output());
        }
        reader.join(timeout.toMillis());
        return output();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        process.onExit().join();
    }

    private void gather() {
        byte[] buffer = new byte[4096];
        try (InputStream in = process.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            output.append("[reading its output failed: ").append(e).append(']');
        }
    }
}
