package org.yucon.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

/**
 * A real unprivileged host user made for one test (a system user with its own group, no home, no login shell), for
 * guests that run as their own user and for acting as that user would (an attacker who broke out of its guest).
 * Closing it removes it again.
 */
public final class HostUser implements AutoCloseable {
    private static final Duration USERDEL_PATIENCE = Duration.ofSeconds(10);
    private static final int USER_BUSY = 8;

    private final String name;
    private final int uid;
    private final int gid;

    private HostUser(String name, int uid, int gid) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
    }

    /** A new user named {@code prefix} and a random suffix. */
    public static HostUser create(String prefix) throws IOException, InterruptedException {
        String name = prefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        Command.run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group", name);
        Passwd entry = POSIXFactory.getNativePOSIX().getpwnam(name);
        return new HostUser(name, (int) entry.getUID(), (int) entry.getGID());
    }

    public String name() {
        return name;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    /** Runs {@code script} in sh as this user, as the keeper starts its guests (setpriv); returns its output. */
    public String run(String script) throws IOException, InterruptedException {
        return Command.run("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--",
                "/bin/sh", "-c", script);
    }

    /**
     * Stops what runs as this user, then removes it. Every such process is the test's: a guest's UML, or what a UML
     * killed with SIGKILL leaves behind (its helper processes outlive it). userdel refuses a user with processes
     * (status 8), so it is asked again until the last have been reaped.
     */
    @Override
    public void close() throws IOException {
        POSIX posix = POSIXFactory.getNativePOSIX();
        for (long pid : processes()) {
            posix.kill((int) pid, Signal.SIGKILL.intValue());
        }
        try {
            long deadline = System.nanoTime() + USERDEL_PATIENCE.toNanos();
            Command.Result result = Command.exec("userdel", name);
            while (result.status() == USER_BUSY && System.nanoTime() < deadline) {
                Thread.sleep(200);
                result = Command.exec("userdel", name);
            }
            assertEquals(0, result.status(), "userdel " + name + ": " + result.output());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while removing the user " + name, e);
        }
    }

    /** The pids of the processes whose real uid is this user's. */
    private List<Long> processes() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                try {
                    if (Files.readString(dir.resolve("status")).contains("\nUid:\t" + uid + "\t")) {
                        pids.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // it ended while we looked
                }
            }
        }
        return pids;
    }
}
