package org.yucon.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A private tmux server (its own socket, {@code tmux -L}) that runs programs in detached sessions of a fixed
 * size, so a test can type into them and read their screen exactly as a user's terminal would show it.
 * Closing it kills the server and with it everything still running in its panes.
 */
final class Tmux implements AutoCloseable {
    private static final long COMMAND_SECONDS = 10;

    private final String socket;
    private final Path config;

    private Tmux(String socket, Path config) {
        this.socket = socket;
        this.config = config;
    }

    /**
     * A server on the socket {@code yucon-test-<pid>}, configured by a file in {@code dir}. Fails (never skips)
     * when tmux is missing: a test host without it cannot run the end-to-end tests, and should say so.
     */
    static Tmux create(Path dir) throws IOException {
        requireProgram("tmux", "-V");
        Path config = dir.resolve("tmux.conf");
        // A dead pane stays, so its last screen and exit status can still be read after the program ended.
        Files.writeString(config, "set -g remain-on-exit on\n");
        return new Tmux("yucon-test-" + ProcessHandle.current().pid(), config);
    }

    /** Fails with a message naming the missing program, e.g. when CI has not installed it. */
    static void requireProgram(String program, String versionFlag) {
        try {
            Process p = new ProcessBuilder(program, versionFlag).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail(program + " " + versionFlag + " did not work; the end-to-end tests need a working " + program);
            }
        } catch (IOException e) {
            fail(program + " is not installed, and the end-to-end tests need it (apt-get install " + program + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while looking for " + program);
        }
    }

    /** Starts {@code command} (no shell in between) in a new detached session of the given size. */
    void newSession(String session, int columns, int rows, List<String> command) {
        List<String> args = new ArrayList<>(List.of("new-session", "-d", "-s", session,
                "-x", String.valueOf(columns), "-y", String.valueOf(rows)));
        args.addAll(command);
        run(args);
    }

    /** Sends keys by tmux name, e.g. {@code Enter}, {@code Down}, {@code C-a}. */
    void keys(String target, String... keys) {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", target));
        args.addAll(List.of(keys));
        run(args);
    }

    /** Types text literally (no key names), as a user would. */
    void type(String target, String text) {
        run(List.of("send-keys", "-t", target, "-l", text));
    }

    /** The visible screen of the pane, one line per row, trailing blanks trimmed by tmux. */
    String capture(String target) {
        return run(List.of("capture-pane", "-p", "-t", target));
    }

    void resizeWindow(String target, int columns, int rows) {
        run(List.of("resize-window", "-t", target, "-x", String.valueOf(columns), "-y", String.valueOf(rows)));
    }

    /**
     * How the pane's program ended ("status 0", "signal 15"), or empty while it runs. tmux sees the pane's pty
     * close before it reaps the process, so "dead" alone does not mean the status is known yet.
     */
    Optional<String> paneExit(String target) {
        String[] f = format(target, "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}").split(":", -1);
        if (!f[0].equals("1")) {
            return Optional.empty();
        }
        if (!f[1].isEmpty()) {
            return Optional.of("status " + f[1]);
        }
        return f[2].isEmpty() ? Optional.empty() : Optional.of("signal " + f[2]);
    }

    void killSession(String session) {
        run(List.of("kill-session", "-t", session));
    }

    /** Kills the server and every pane; quietly does nothing when it never started or already ended. */
    @Override
    public void close() {
        try {
            Process p = process(List.of("kill-server")).start();
            p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS);
        } catch (IOException e) {
            // tmux is gone: so is its server.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String format(String target, String format) {
        return run(List.of("display-message", "-p", "-t", target, format)).trim();
    }

    private String run(List<String> args) {
        try {
            Process p = process(args).start();
            // The tmux client is short-lived; the server it may start daemonizes with its stdio on /dev/null.
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("tmux " + args + " did not finish");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("tmux " + args + " failed (" + p.exitValue() + "): " + text.trim());
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("tmux " + args + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running tmux " + args, e);
        }
    }

    private ProcessBuilder process(List<String> args) {
        List<String> argv = new ArrayList<>(List.of("tmux", "-L", socket, "-f", config.toString()));
        argv.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        // Inside a developer's own tmux these would point the client at that server, or refuse nesting.
        builder.environment().remove("TMUX");
        builder.environment().remove("TMUX_PANE");
        return builder;
    }
}
