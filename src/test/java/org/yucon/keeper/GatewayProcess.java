package org.yucon.keeper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.yucon.testing.Await;
import org.yucon.testing.Uml;

/**
 * {@code yucon serve --etc ETC} as a process of its own, started from this JVM's java and class path, its output in
 * a file. It is stopped by its pid only: SIGKILL ({@link #kill}), SIGTERM ({@link #terminate}), or SIGKILL on
 * {@link #close} if it still runs.
 */
final class GatewayProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final String LISTENING = "yucon listens on";

    private final Process process;
    private final Path output;

    private GatewayProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts the gateway and returns once it says it listens; fails with its output if it dies first. */
    static GatewayProcess start(Path etc, Path output, String... serveOptions) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m",
                "-Dyucon.cache=" + Uml.cacheDir(),
                "-cp", System.getProperty("java.class.path"),
                "org.yucon.cli.Yucon", "serve", "--etc", etc.toString()));
        command.addAll(List.of(serveOptions));
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.to(output.toFile()))
                .redirectErrorStream(true)
                .start();
        GatewayProcess gateway = new GatewayProcess(process, output);
        try {
            Await.until("the gateway process (pid " + process.pid() + ") to listen", START_TIMEOUT,
                    () -> gateway.output().contains(LISTENING) || !process.isAlive(), gateway::describe);
            if (!process.isAlive()) {
                throw new AssertionError("the gateway process ended with status " + process.exitValue()
                        + " before it listened; " + gateway.describe());
            }
        } catch (AssertionError e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash would end it; returns once it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the gateway process " + pid() + " outlived SIGKILL by 10 s");
        }
    }

    /** SIGTERM, as an operator stops it; returns its exit status once it is gone. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the gateway process " + pid() + " did not end within " + timeout.toSeconds()
                    + " s of SIGTERM; " + describe());
        }
        return process.exitValue();
    }

    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + output + ": " + e.getMessage() + ")";
        }
    }

    String describe() {
        return "gateway output (" + output + "):\n" + output();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
