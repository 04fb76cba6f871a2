package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yucon.testing.Await;
import org.yucon.testing.SshScreen;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.TestHost;

/**
 * Three people on one console of a real UML guest over real SSH, conserver-style: one writer, the others
 * read-only, and the escape keys that move write between them (force, ask, promotion when the writer leaves),
 * list who is there, replay, page the log, open the menu and send SysRq.
 */
class ConsoleSharingIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    private static final String PREFIX = "\u0001";

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.of("uml1");

    @BeforeAll
    static void start() throws Exception {
        assertTrue(gateway.host().guest("uml1").boot().ok(), "uml1 boots");
    }

    @Test
    void threeViewersOneWriter() throws Exception {
        try (ClientSession s1 = gateway.ssh().login("uml1"); ClientSession s2 = gateway.ssh().login("admin");
             ClientSession s3 = gateway.ssh().login("uml1");
             SshScreen v1 = SshScreen.open(s1.createExecChannel("console"))) {
            v1.awaitText("uml1 login:", BOOT_TIMEOUT);
            v1.press("root\r");
            v1.awaitText("uml1:/root#", TIMEOUT);

            try (SshScreen v2 = readOnly(s2.createExecChannel("console uml1"));
                 SshScreen v3 = readOnly(s3.createExecChannel("console"))) {

                // Keys of the read-only viewers are dropped at the gateway (and each is told so), the writer's go on.
                v2.press("echo RO-$((1+1))\r");
                v3.press("echo RO-$((1+1))\r");
                v2.awaitText("your keys do not reach uml1", TIMEOUT);
                v3.awaitText("your keys do not reach uml1", TIMEOUT);
                v1.press("echo RW-$((2+2))\r");
                v1.awaitLine("the writer's command answered", TIMEOUT, line -> line.equals("RW-4"));
                assertFalse(v1.text().contains("RO-"), "read-only keys reached the guest; " + v1.describe());

                v1.press(PREFIX + "w");
                v1.awaitText("3 on the console of uml1:", TIMEOUT);
                List<String> who = v1.lines().stream().filter(l -> l.contains(" since ")).toList();
                assertEquals(3, who.size(), v1.describe());
                assertTrue(who.get(0).matches(".* uml1@127\\.0\\.0\\.1:\\d+ \\(ssh\\) +since .* writer \\(you\\)"), v1.describe());
                assertTrue(who.get(1).matches(".* admin@127\\.0\\.0\\.1:\\d+ \\(ssh\\) +since .* read-only"), v1.describe());

                // Viewer 2 forces write: viewer 1 is told by whom and its keys are dropped from now on.
                v2.press(PREFIX + "f");
                v2.awaitText("you write now", TIMEOUT);
                v1.awaitText("read-only now: admin@127.0.0.1", TIMEOUT);
                v1.press("echo V1-$((3+3))\r");
                v1.awaitText("your keys do not reach uml1", TIMEOUT);
                v2.press("echo V2-$((4+4))\r");
                v2.awaitLine("viewer 2's command answered", TIMEOUT, line -> line.equals("V2-8"));
                assertFalse(v2.text().contains("V1-"), "the demoted writer's keys reached the guest; " + v2.describe());

                // Viewer 3 asks; when viewer 2 leaves, viewer 3 is promoted (not viewer 1, who did not ask).
                v3.press(PREFIX + "a");
                v3.awaitText("asked for write", TIMEOUT);
                v2.detach();
                v2.awaitText("[yucon] detached", TIMEOUT);
                v3.awaitText("you write now: admin@127.0.0.1", TIMEOUT);
                v3.press("echo V3-$((5+5))\r");
                v3.awaitLine("viewer 3's command answered", TIMEOUT, line -> line.equals("V3-10"));

                // The writer's ^A a sends a literal ^A: busybox's shell moves the cursor to the line's start.
                v3.press("echo B" + PREFIX + "a" + "echo A\r");
                v3.awaitLine("the line edited with a literal ^A", TIMEOUT, line -> line.equals("Aecho B"));

                escapeKeysOfTheWriter(v3);

                v3.detach();
                v3.awaitText("[yucon] detached", TIMEOUT);
                v1.awaitText("nobody writes now", TIMEOUT);
            }
        }
        // SysRq from the console is the sysrq verb's action, audited as it is.
        Path audit = gateway.host().config().gateway().stateDir().resolve("audit.log");
        Await.until("the console's SysRq in the audit log", TIMEOUT, () -> read(audit).lines()
                .anyMatch(l -> l.contains(" user=uml1 ") && l.contains(" action=sysrq guest=uml1 result=ok")), () -> read(audit));
        String events = Files.readString(gateway.host().config().gateway().stateDir().resolve("logs/uml1.events"));
        for (String event : List.of(" uml1 uml1@127.0.0.1:\\d+ \\(ssh\\) attach writer",
                " uml1 admin@127.0.0.1:\\d+ \\(ssh\\) attach read-only",
                " uml1 admin@127.0.0.1:\\d+ \\(ssh\\) force write from uml1@127.0.0.1:\\d+ \\(ssh\\)",
                " uml1 uml1@127.0.0.1:\\d+ \\(ssh\\) promoted after admin@127.0.0.1:\\d+ \\(ssh\\)",
                " uml1 admin@127.0.0.1:\\d+ \\(ssh\\) detach")) {
            assertTrue(events.lines().anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z" + event + ".*")),
                    "no event like '" + event + "' in:\n" + events);
        }
    }

    /** SysRq, replay, an unbound key, the log pager and the menu over the console, as the writer. */
    private static void escapeKeysOfTheWriter(SshScreen screen) throws IOException {
        screen.press(PREFIX + "bs");
        screen.awaitText("SysRq s sent to uml1", TIMEOUT);

        screen.press(PREFIX + "r");
        screen.awaitText("the last 20 lines of uml1:", TIMEOUT);
        screen.awaitText("end of the replay", TIMEOUT);

        screen.press(PREFIX + "z");
        screen.awaitText("that key is not bound after ^A: ^A ? lists the keys", TIMEOUT);

        // The pager takes the screen; the console's output is held meanwhile and caught up after q.
        screen.press(PREFIX + "l");
        screen.awaitText("uml1.log, lines", TIMEOUT);
        gateway.host().guest("uml1").console().announce("printed while paging");
        screen.press("b ");
        assertFalse(screen.text().contains("printed while paging"), "output went over the pager; " + screen.describe());
        screen.press("q");
        screen.awaitText("[yucon] printed while paging", TIMEOUT);

        screen.press(PREFIX + "m");
        screen.awaitText("Options:", TIMEOUT);
        screen.press("q");
        Await.until("the console back after the menu", TIMEOUT, () -> !screen.text().contains("Options:"), screen::describe);
        screen.press("echo M-$((6+6))\r");
        screen.awaitLine("the console answering after the menu", TIMEOUT, line -> line.equals("M-12"));
    }

    /** Opens a viewer and waits until it is attached read-only, so that the order of attaching is known. */
    private static SshScreen readOnly(ChannelExec console) throws IOException {
        SshScreen screen = SshScreen.open(console);
        screen.awaitText("read-only: uml1@127.0.0.1", TIMEOUT);
        return screen;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
