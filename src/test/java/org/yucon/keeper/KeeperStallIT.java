package org.yucon.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jnr.constants.platform.Signal;
import jnr.posix.POSIXFactory;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.guest.GuestState;
import org.yucon.testing.Closing;
import org.yucon.testing.RawConsole;
import org.yucon.testing.SshScreen;
import org.yucon.testing.SshUser;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * The console keeper stopped (SIGSTOP) rather than killed: its socket still accepts, but nothing answers. The
 * gateway's status and menu answer throughout, a boot asked meanwhile fails within the keeper's answer bound with a
 * sentence that names the keeper (the guest is off again, not booting for ever), the admins' status and menu show
 * that sentence until the keeper answers again, and once the keeper goes on
 * (SIGCONT) the same guest boots to its login, started once: the keeper drops the spawn whose asker gave up.
 */
class KeeperStallIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The gateway's bound for a keeper's answer (15 s), with room for a loaded host. */
    private static final Duration STALLED_BOOT = Duration.ofSeconds(40);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(45);

    @TempDir
    Path dir;

    @Test
    void aStoppedKeeperFailsABootInTimeWhileStatusAndMenuAnswerAndTheGuestBootsOnceItGoesOn() throws Exception {
        TestHost host = TestHost.start(dir, "uml1", "uml2");
        SshUser ssh = SshUser.of(host);
        long keeper = KeeperClient.pid(host.config().gateway().stateDir());
        boolean stopped = false;
        try {
            boot(host, ssh, "uml1");
            assertEquals(0, signal(keeper, Signal.SIGSTOP));
            stopped = true;

            CompletableFuture<SshUser.Result> stalledBoot = CompletableFuture.supplyAsync(() -> verb(ssh, "uml2", "boot"));
            KeeperLossIT.awaitStatus(ssh, "uml2", "uml2 booting", TIMEOUT);
            SshUser.Result status = ssh.run("admin", "status");
            assertEquals(0, status.status(), status.toString());
            assertTrue(status.out().contains("uml1 running"), "status answers while the keeper is stopped: " + status);
            try (ClientSession session = ssh.login("admin");
                 SshScreen menu = SshScreen.menu(session, "xterm", 100, 30)) {
                menu.awaitText("uml2", TIMEOUT);
            }

            SshUser.Result failed = stalledBoot.get(STALLED_BOOT.toSeconds(), TimeUnit.SECONDS);
            String unanswered = "the console keeper (pid " + keeper + ") did not answer 'spawn'";
            assertNotEquals(0, failed.status(), failed.toString());
            assertTrue(failed.err().contains(unanswered), "the failed boot names the keeper: " + failed);
            assertEquals(GuestState.OFF, host.guest("uml2").status().state(), "uml2 is off again, not booting for ever");
            SshUser.Result alerted = ssh.run("admin", "status");
            assertTrue(alerted.err().contains(unanswered), "the admins' status says what the keeper did not answer: " + alerted);
            try (ClientSession session = ssh.login("admin");
                 SshScreen menu = SshScreen.menu(session, "xterm", 100, 30)) {
                menu.awaitText("did not answer 'spawn'", TIMEOUT);
            }

            assertEquals(0, signal(keeper, Signal.SIGCONT));
            stopped = false;
            long uml2 = boot(host, ssh, "uml2");
            try (RawConsole console = ssh.console("uml2", 100, 30)) {
                console.awaitText("login:", 0, BOOT_TIMEOUT);
            }
            SshUser.Result clear = ssh.run("admin", "status");
            assertEquals("", clear.err(), "the keeper answers again: no alert is left " + clear);
            List<KeptStatus> kept = host.gateway().keeper().list();
            assertEquals(List.of(uml2), kept.stream().filter(k -> k.guest().equals("uml2")).map(KeptStatus::pid).toList(),
                    "the keeper runs the one uml2 the gateway booted: " + kept);
        } finally {
            if (stopped) {
                signal(keeper, Signal.SIGCONT);
            }
            for (String guest : List.of("uml1", "uml2")) {
                long pid = host.guest(guest).status().pid();
                if (pid != 0) {
                    Uml.killWithGroup(pid);
                }
            }
            Closing.all(ssh, host);
        }
    }

    /** Boots {@code guest} with its owner's verb; its UML's pid once it runs. */
    private static long boot(TestHost host, SshUser ssh, String guest) throws IOException {
        SshUser.Result booted = ssh.run(guest, "boot");
        assertEquals(0, booted.status(), booted.toString());
        KeeperLossIT.awaitStatus(ssh, guest, guest + " running", BOOT_TIMEOUT);
        return host.guest(guest).status().pid();
    }

    private static SshUser.Result verb(SshUser ssh, String user, String command) {
        try {
            return ssh.run(user, command, STALLED_BOOT);
        } catch (IOException e) {
            return new SshUser.Result(-1, "", e.toString());
        }
    }

    private static int signal(long pid, Signal signal) {
        return POSIXFactory.getNativePOSIX().kill((int) pid, signal.intValue());
    }
}
