package org.yucon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.console.ConsoleLogs;
import org.yucon.guest.GuestState;
import org.yucon.keeper.KeeperClient;
import org.yucon.testing.Await;
import org.yucon.testing.Closing;
import org.yucon.testing.Command;
import org.yucon.testing.RawConsole;
import org.yucon.testing.SshUser;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * The disk under {@code state/} full (a small tmpfs mounted there, filled up by a file): the console goes on
 * reaching its viewer, the console log, once space returns, says how much of it it could not write, the audit
 * log's failure is reported to admins (and over once it writes again), and neither the keeper nor the gateway
 * stops. The test runs as root, which may mount; the tmpfs is unmounted however the test ends.
 */
class FullDiskIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(45);
    private static final String GUEST = "uml1";
    private static final String PROMPT = "uml1:/root# ";
    private static final int LINES = 300;

    @TempDir
    Path dir;

    @Test
    void aFullDiskCostsTheLogsOnlyAndTheyTellWhatTheyLost() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Command.run("mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "yucon-full-disk-it", state.toString());
        TestHost host = null;
        SshUser ssh = null;
        long uml = 0;
        Path filler = state.resolve("filler");
        try {
            TestHost started = TestHost.start(dir, GUEST);
            host = started;
            ssh = SshUser.of(host);
            long keeper = KeeperClient.pid(state);
            assertEquals(0, ssh.run(GUEST, "boot").status());
            Await.until(GUEST + " running", BOOT_TIMEOUT,
                    () -> started.guest(GUEST).status().state() == GuestState.RUNNING, () -> started.guest(GUEST).status().toString());
            uml = host.guest(GUEST).status().pid();
            try (RawConsole console = ssh.console(GUEST, 100, 30)) {
                long login = console.awaitText("login:", 0, BOOT_TIMEOUT);
                console.type("root\r");
                console.awaitText(PROMPT, login, TIMEOUT);

                fill(filler);
                long from = console.position();
                console.type("i=0; while [ $i -lt " + LINES + " ]; do i=$((i+1)); echo FULL-$i; done\r");
                console.awaitText("\nFULL-" + LINES + "\r", from, TIMEOUT);
                SshUser finalSsh = ssh;
                SshUser.Result[] status = {null};
                Await.until("the admins' status to report the audit log's failure", TIMEOUT, () -> {
                    status[0] = run(finalSsh, "admin", "status");
                    return status[0].err().contains("audit log");
                }, () -> String.valueOf(status[0]));
                assertEquals(0, status[0].status(), status[0].toString());
                assertTrue(status[0].out().startsWith(GUEST + " running"), status[0].toString());

                Files.delete(filler);
                from = console.position();
                console.type("echo BACK-$((6*7))\r");
                console.awaitText("\r\nBACK-42\r\n", from, TIMEOUT);
            }
            Path log = ConsoleLogs.of(ConsoleLogs.dir(state), GUEST);
            Await.until("the console log to say what it dropped, then go on", TIMEOUT,
                    () -> read(log).matches("(?s).*\\[yucon\\] \\d+ bytes not logged: disk full.*BACK-42.*"),
                    () -> tail(read(log)));
            SshUser finalSsh = ssh;
            SshUser.Result[] status = {null};
            Await.until("the audit log's failure to be over for admins", TIMEOUT, () -> {
                status[0] = run(finalSsh, "admin", "status");
                return !status[0].err().contains("audit log");
            }, () -> String.valueOf(status[0]));
            Path audit = state.resolve("audit.log");
            Await.until("the audit log to count the lines it lost", TIMEOUT, () -> read(audit).contains("audit lines lost="),
                    () -> tail(read(audit)));
            assertTrue(ProcessHandle.of(keeper).map(ProcessHandle::isAlive).orElse(false), "the keeper " + keeper + " runs on");
            assertEquals(uml, host.guest(GUEST).status().pid(), "the guest runs on: " + host.guest(GUEST).status());
        } finally {
            Files.deleteIfExists(filler);
            if (uml != 0) {
                Uml.killWithGroup(uml);
            }
            try {
                Closing.all(ssh, host);
            } finally {
                Command.exec("umount", "-l", state.toString());
            }
        }
    }

    /** Writes {@code file} until the tmpfs is full, in big pieces, then in small ones for the last pages. */
    private static void fill(Path file) throws IOException {
        byte[] piece = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int size = piece.length; size >= 1; size /= 4) {
                try {
                    while (true) {
                        out.write(piece, 0, size);
                    }
                } catch (IOException full) {
                    // This size does not fit any more; a smaller one may.
                }
            }
        }
    }

    private static SshUser.Result run(SshUser ssh, String user, String command) {
        try {
            return ssh.run(user, command);
        } catch (IOException e) {
            return new SshUser.Result(-1, "", e.toString());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static String tail(String text) {
        return text.substring(Math.max(0, text.length() - 2000));
    }
}
