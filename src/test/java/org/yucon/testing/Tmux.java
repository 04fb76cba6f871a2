package org.yucon.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
public final class Tmux implements AutoCloseable {
    private static final long COMMAND_SECONDS = 10;

    private final String socket;
    private final Path config;
    private final Path dir;

    private Tmux(String socket, Path config, Path dir) {
        this.socket = socket;
        this.config = config;
        this.dir = dir;
    }

    /**
     * A server on the socket {@code yucon-test-<pid>-<name of dir>} (one per test class that makes one), configured
     * by a file in {@code dir}. Fails (never skips) when tmux is missing: a test host without it cannot run the
     * end-to-end tests, and should say so.
     */
    public static Tmux create(Path dir) throws IOException {
        requireProgram("tmux", "-V");
        Path config = dir.resolve("tmux.conf");
        // A dead pane stays, so its last screen and exit status can still be read after the program ended.
        Files.writeString(config, "set -g remain-on-exit on\n");
        return new Tmux("yucon-test-" + ProcessHandle.current().pid() + "-" + dir.getFileName(), config, dir);
    }

    /** Fails with a message naming the missing program, e.g. when CI has not installed it. */
    public static void requireProgram(String program, String versionFlag) {
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

    /**
     * Starts {@code command} in a new detached session of the given size, under a shell that writes its exit
     * status to a file once it ends: tmux itself may never learn it (see {@link #paneExit}).
     */
    public void newSession(String session, int columns, int rows, List<String> command) {
        Path status = exitFile(session);
        try {
            Files.deleteIfExists(status);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("new-session", "-d", "-s", session,
                "-x", String.valueOf(columns), "-y", String.valueOf(rows),
                // $0 is the status file, "$@" the command; tmp and mv, so a reader never sees a half-written file.
                "sh", "-c", "\"$@\"; echo $? > \"$0.tmp\" && mv \"$0.tmp\" \"$0\"", status.toString()));
        args.addAll(command);
        for (int attempt = 1; ; attempt++) {
            try {
                run(args);
                return;
            } catch (IllegalStateException e) {
                // Right after the last session was killed, the server is still exiting: a new client that reached
                // it is told "server exited unexpectedly", and the next one starts a new server.
                if (attempt == 3 || !e.getMessage().contains("server exited unexpectedly")) {
                    throw e;
                }
            }
        }
    }

    /** Sends keys by tmux name, e.g. {@code Enter}, {@code Down}, {@code C-a}. */
    public void keys(String target, String... keys) {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", target));
        args.addAll(List.of(keys));
        run(args);
    }

    /** Types text literally (no key names), as a user would. */
    public void type(String target, String text) {
        run(List.of("send-keys", "-t", target, "-l", text));
    }

    /** The visible screen of the pane, one line per row, trailing blanks trimmed by tmux. */
    public String capture(String target) {
        return run(List.of("capture-pane", "-p", "-t", target));
    }

    public void resizeWindow(String target, int columns, int rows) {
        run(List.of("resize-window", "-t", target, "-x", String.valueOf(columns), "-y", String.valueOf(rows)));
    }

    /**
     * How the program started by {@link #newSession} ended ("status 0"; killed by signal n reads "status 128+n",
     * as in a shell), or empty while it runs. Not tmux's #{pane_dead_status}: tmux 3.3a built with libutempter
     * sets SIGCHLD to SIG_DFL while the utempter helper runs, which it does right when it reads the pane's pty
     * close, so a program that exits in that window is never reaped and its status never known. The pane must
     * also be dead (tmux read its pty to the end), so the screen is final once this says the program ended.
     */
    public Optional<String> paneExit(String session) {
        if (!format(session, "#{pane_dead}").equals("1")) {
            return Optional.empty();
        }
        try {
            String status = Files.readString(exitFile(session)).trim();
            return status.isEmpty() ? Optional.empty() : Optional.of("status " + status);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path exitFile(String session) {
        return dir.resolve(session + ".exit");
    }

    public void killSession(String session) {
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
