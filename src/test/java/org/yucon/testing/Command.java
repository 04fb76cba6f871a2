package org.yucon.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Host commands a test needs done (ip, useradd, cp ...), each within 30 s or the test fails. */
public final class Command {
    private Command() {
    }

    /** How a command ended: its exit status and its output (stdout and stderr). */
    public record Result(int status, String output) {
    }

    /** Runs {@code command}, which must succeed, and returns its output. */
    public static String run(String... command) throws IOException, InterruptedException {
        Result result = exec(command);
        assertEquals(0, result.status(), String.join(" ", command) + ": " + result.output());
        return result.output();
    }

    /** Runs {@code command} and says how it ended, success or not. */
    public static Result exec(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
            return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }
}
