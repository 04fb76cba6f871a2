package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.testing.Await;
import org.yucon.testing.Closing;
import org.yucon.testing.RawConsole;
import org.yucon.testing.SshScreen;
import org.yucon.testing.SshUser;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * A guest whose UML is stopped (SIGSTOP to its process group): what asks its mconsole is told in one sentence that
 * it did not answer, the menu answers its keys meanwhile, and a shutdown goes on to halt and then to SIGKILL at its
 * deadlines, which end the run.
 */
class StoppedGuestIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(45);
    /**
     * How soon the menu must answer a key while the guest's mconsole is asked: less than that mconsole's timeout
     * (2 s), which a menu waiting on the guest would take.
     */
    private static final Duration LIVE = Duration.ofMillis(1900);
    /** The guest's shutdown_timeout (10 s, TestHost), then halt's grace (5 s), with room. */
    private static final Duration ESCALATION = Duration.ofSeconds(30);
    private static final String GUEST = "uml1";

    @TempDir
    Path dir;

    @Test
    void aStoppedGuestIsReportedNotWaitedForAndKilledAtItsShutdownDeadline() throws Exception {
        POSIX posix = POSIXFactory.getNativePOSIX();
        TestHost host = TestHost.start(dir, GUEST);
        SshUser ssh = SshUser.of(host);
        long uml = 0;
        try {
            GuestSupervisor guest = host.guest(GUEST);
            try (ConsoleTap tap = ConsoleTap.attach(guest)) {
                assertTrue(guest.boot().ok());
                Await.until(GUEST + " login", BOOT_TIMEOUT, () -> tap.since(0).contains(GUEST + " login:")
                        && guest.status().state() == GuestState.RUNNING, () -> guest.status() + "\n" + tap.since(0));
            }
            uml = guest.status().pid();
            try (ClientSession session = ssh.login("admin");
                 SshScreen menu = SshScreen.menu(session, "xterm", 80, 24)) {
                menu.awaitText("Running (up", TIMEOUT);
                assertEquals(0, posix.kill((int) -uml, Signal.SIGSTOP.intValue()), "kill -STOP -" + uml);

                SshUser.Result sysrq = ssh.run("admin", "sysrq s " + GUEST);
                assertEquals(1, sysrq.status(), sysrq.toString());
                assertEquals(GUEST + " did not answer \"sysrq s\" within 2 s: its UML is stopped or hung\n", sysrq.err());

                menu.press("?");
                menu.awaitText("PgUp PgDn Home End select", LIVE);
                menu.press("s");
                menu.awaitText("Shut down " + GUEST + "?", LIVE);
                menu.press("y");
                menu.awaitText(GUEST + " is shutting down", LIVE);
                SshUser.Result status = ssh.run("admin", "status " + GUEST);
                assertEquals(GUEST + " stopping (shutting down)\n", status.out(), status.toString());

                try (ConsoleTap tap = ConsoleTap.attach(guest)) {
                    int from = tap.position();
                    Await.until(GUEST + " off once killed at its deadline", ESCALATION,
                            () -> guest.status().state() == GuestState.OFF, () -> guest.status() + "\n" + tap.since(from));
                    assertTrue(tap.since(from).contains(GUEST + " did not halt within 5 s: killing it"), tap.since(from));
                }
                long pid = uml;
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the UML " + pid + " is gone");
                menu.awaitText("Off", TIMEOUT);
            }
        } finally {
            if (uml != 0) {
                posix.kill((int) -uml, Signal.SIGCONT.intValue());
                Uml.killWithGroup(uml);
            }
            Closing.all(ssh, host);
        }
    }
}
