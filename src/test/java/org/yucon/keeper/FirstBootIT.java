package org.yucon.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestStatus;
import org.yucon.ssh.HostKeys;
import org.yucon.testing.Await;
import org.yucon.testing.SshScreen;
import org.yucon.testing.SshUser;
import org.yucon.testing.TestHost;
import org.yucon.util.FileTrees;

/**
 * The first boot after a fresh console keeper, as a new user makes it (issue 19): a fresh gateway and keeper in a
 * new state directory (so a new COW too), the guest booted from a menu session with a window size and its console
 * opened at once, so that the boot's size and the writer's both reach the keeper while UML starts. A SIGWINCH that
 * reaches UML before its interrupts exist panics it ("Segfault with no mm" in {@code winch}), and a keeper's first
 * spawn was slow enough to send its size just then. None of the boots may panic, and the guest's tty must have the
 * writer's size once it runs and follow the writer's window after that. Each boot's kernel must also count exactly
 * the memory the guest was given: with the UML's address layout at random it counted a gap of up to 1 GB beside it,
 * and paid for that gap's page structures out of the guest's memory (see GuestEnclosure).
 *
 * <p>{@code -Dyucon.firstBoots=N} sets how many boots (20 unless said; the soak runs 200).
 */
class FirstBootIT {
    private static final int BOOTS = boots();
    private static final int COLUMNS = 100;
    private static final int ROWS = 30;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);

    /** Host keys made once for all boots (a 3072-bit RSA key takes seconds of CPU); copied into each new host. */
    @TempDir
    static Path hostKeys;

    @BeforeAll
    static void makeHostKeys() throws IOException {
        new HostKeys(hostKeys).ensure();
    }

    @Test
    // The soak's 200 boots take some 11 min unloaded (AMD EPYC, 2 CPUs), beyond the integration tests' default bound.
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void everyFirstBootComesUpWithTheWritersSize() throws Exception {
        List<String> failed = new ArrayList<>();
        long started = System.nanoTime();
        for (int boot = 1; boot <= BOOTS; boot++) {
            String failure = firstBoot(boot == BOOTS);
            if (failure != null) {
                failed.add("boot " + boot + ": " + failure);
            }
        }
        System.out.printf("FirstBootIT: %d first boots, %d failed, %.1f s%n", BOOTS, failed.size(),
                (System.nanoTime() - started) / 1e9);
        assertEquals(List.of(), failed, failed.size() + " of " + BOOTS + " first boots failed");
    }

    /**
     * One boot on a fresh host; null when it came up with the writer's size, else what went wrong. The host's
     * directory goes once every process that names it has ended: the keeper, the UML and its helper processes
     * (which outlive a SIGKILL of the UML, and a panic).
     */
    private static String firstBoot(boolean resizeAfter) throws Exception {
        Path dir = Files.createTempDirectory("yucon-first-boot-");
        try {
            return firstBoot(dir, resizeAfter);
        } finally {
            startedIn(dir).forEach(ProcessHandle::destroyForcibly);
            Await.until("the processes of " + dir + " gone", TIMEOUT, () -> startedIn(dir).isEmpty(),
                    () -> startedIn(dir).toString());
            FileTrees.delete(dir);
        }
    }

    private static String firstBoot(Path dir, boolean resizeAfter) throws Exception {
        Path keys = Files.createDirectories(dir.resolve("hostkeys"));   // where TestHost's gateway looks for them
        try (Stream<Path> made = Files.list(hostKeys)) {
            for (Path key : made.toList()) {
                Files.copy(key, keys.resolve(key.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        try (TestHost host = TestHost.start(dir, "uml1");
             SshUser ssh = SshUser.of(host);
             ClientSession session = ssh.login("uml1");
             SshScreen screen = SshScreen.menu(session, "xterm", COLUMNS, ROWS)) {
            screen.awaitText("Options:", TIMEOUT);
            screen.press("b");
            screen.press("\r");
            Await.until("uml1 at its login prompt, or crashed", BOOT_TIMEOUT, () -> screen.text().contains("login:")
                    || host.guest("uml1").status().state() == GuestState.CRASHED, screen::describe);
            GuestStatus status = host.guest("uml1").status();
            if (status.state() == GuestState.CRASHED) {
                return status.detail() + ": " + panicLine(screen, host);
            }
            screen.press("root\r");
            screen.awaitText("uml1:/root#", TIMEOUT);
            String memory = memoryLine(host);
            long given = host.guest("uml1").config().memoryBytes() >> 10;
            if (!memory.contains("/" + given + "K available")) {
                return "its kernel did not count the " + given + "K it was given: " + memory;
            }
            assertEquals(ROWS + " " + COLUMNS, sttySize(screen), "the guest's tty after the boot; " + screen.describe());
            if (resizeAfter) {
                screen.resize(COLUMNS + 20, ROWS + 10);
                assertEquals((ROWS + 10) + " " + (COLUMNS + 20), sttySize(screen), "after a resize; " + screen.describe());
            }
            return null;
        }
    }

    /** The live processes whose command line names {@code dir}: the host's keeper, its UML and the UML's helpers. */
    private static List<ProcessHandle> startedIn(Path dir) {
        String mark = dir + "/";
        return ProcessHandle.allProcesses()
                .filter(p -> p.isAlive() && p.info().commandLine().map(line -> line.contains(mark)).orElse(false))
                .toList();
    }

    /** Clears the screen, asks the guest's tty for its size, returns its answer ("ROWS COLUMNS"). */
    private static String sttySize(SshScreen screen) throws IOException {
        screen.press("clear; stty size\r");
        String[] answer = new String[1];
        Await.until("stty's answer", TIMEOUT, () -> {
            answer[0] = screen.lines().stream().filter(line -> line.matches("\\d+ \\d+")).findFirst().orElse(null);
            return answer[0] != null;
        }, screen::describe);
        return answer[0];
    }

    /** The guest's panic as its console showed it, else from its log (the keeper writes it a little later). */
    private static String panicLine(SshScreen screen, TestHost host) throws IOException {
        Path log = host.consoleLog("uml1");
        List<String> lines = new ArrayList<>(screen.lines());
        if (Files.exists(log)) {
            lines.addAll(Files.readAllLines(log, StandardCharsets.ISO_8859_1));
        }
        return lines.stream().filter(line -> line.contains("Kernel panic")).findFirst().orElse("no panic shown");
    }

    /** The kernel's count of its memory at boot, "Memory: 86932K/131072K available (...)", from the guest's log. */
    private static String memoryLine(TestHost host) throws IOException {
        Path log = host.consoleLog("uml1");
        return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream().filter(line -> line.startsWith("Memory: "))
                .findFirst().orElse("no \"Memory:\" line in " + log);
    }

    private static int boots() {
        String configured = System.getProperty("yucon.firstBoots", "");
        return configured.isBlank() ? 20 : Integer.parseInt(configured);
    }
}
