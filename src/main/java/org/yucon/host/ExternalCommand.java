package org.yucon.host;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * One external program, run to completion or to its deadline.
 *
 * <p>The program starts under {@code setsid}, so it leads a process group of its own that is killed on every
 * path: apt-get's download methods and a UML's {@code [uml-userspace]} children must not outlive it. Output
 * goes to files, so neither pipe can fill up and stall the program while we wait.
 */
final class ExternalCommand {

    /** How a command ended; {@code timedOut} means it was killed at the deadline and {@code status} is -1. */
    record Result(boolean timedOut, int status, String stdout, String stderr) {
    }

    private static final File NO_INPUT = new File("/dev/null");

    private final List<String> argv;
    private final Duration timeout;
    private final Path directory;
    private final POSIX posix = POSIXFactory.getNativePOSIX();

    ExternalCommand(List<String> argv, Duration timeout, Path directory) {
        this.argv = List.copyOf(argv);
        this.timeout = timeout;
        this.directory = directory;
    }

    ExternalCommand(List<String> argv, Duration timeout) {
        this(argv, timeout, Path.of("."));
    }

    /** Runs the command and returns its standard output, or explains in one sentence why it did not succeed. */
    String run() throws ProvisioningException {
        Result result = execute();
        if (result.timedOut()) {
            throw new ProvisioningException(
                    "`" + this + "` did not finish within " + timeout.toSeconds() + " s" + detail(result.stderr()));
        }
        if (result.status() != 0) {
            throw new ProvisioningException(
                    "`" + this + "` exited with status " + result.status() + detail(result.stderr()));
        }
        return result.stdout();
    }

    /** Runs the command and reports how it ended, whatever the exit status. */
    Result execute() throws ProvisioningException {
        Path scratch = FileOps.createTempDirectory("yucon-cmd-");
        try {
            return execute(scratch.resolve("stdout"), scratch.resolve("stderr"));
        } catch (IOException e) {
            throw new ProvisioningException("Could not run `" + this + "`: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("Interrupted while running `" + this + "`.", e);
        } finally {
            FileOps.deleteQuietly(scratch);
        }
    }

    private Result execute(Path stdout, Path stderr) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(sessionLeaderArgv())
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(!finished, finished ? process.exitValue() : -1, read(stdout), read(stderr));
        } finally {
            killGroup(process);
        }
    }

    private List<String> sessionLeaderArgv() {
        List<String> full = new ArrayList<>(argv.size() + 1);
        full.add("setsid");
        full.addAll(argv);
        return full;
    }

    /**
     * Our child is not a group leader, so setsid(1) calls setsid(2) and execs without forking: the pid we hold
     * is the new group's id. Killing the group also reaches children that outlived the leader.
     */
    private void killGroup(Process process) {
        posix.kill(-(int) process.pid(), Signal.SIGKILL.intValue());
        process.destroyForcibly();
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static String detail(String stderr) {
        String oneLine = stderr.strip().replaceAll("\\s*\\n\\s*", "; ");
        return oneLine.isEmpty() ? "." : ": " + oneLine;
    }

    @Override
    public String toString() {
        return String.join(" ", argv);
    }
}
