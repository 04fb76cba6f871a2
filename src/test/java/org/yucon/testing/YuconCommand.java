package org.yucon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code yucon} command run to its end as a process of its own, as an operator runs it beside a serving gateway:
 * this JVM's java and class path, standard input empty, its output (both streams) kept. Killed by its pid if it
 * takes longer than a minute.
 */
public final class YuconCommand {
    private static final long TIMEOUT_SECONDS = 60;

    private YuconCommand() {
    }

    /** What the command printed and its exit status. */
    public record Result(int status, String output) {
        @Override
        public String toString() {
            return "exit " + status + ": " + output.strip();
        }
    }

    /** {@code yucon account SUBCOMMAND --etc=ETC ARGS...}. */
    public static Result account(Path etc, String subcommand, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("account", subcommand, "--etc=" + etc));
        all.addAll(List.of(args));
        return run(all);
    }

    /** {@code yucon ARGS...}. */
    public static Result run(List<String> args) throws IOException, InterruptedException {
        Path output = Files.createTempFile("yucon-command-", ".out");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Dyucon.cache=" + Uml.cacheDir(), "-cp", System.getProperty("java.class.path"), "org.yucon.cli.Yucon"));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.to(output.toFile()))
                .redirectErrorStream(true)
                .start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("'yucon " + String.join(" ", args) + "' (pid " + process.pid() + ") did not end within "
                        + TIMEOUT_SECONDS + " s: " + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(output);
        }
    }
}
