package org.yucon.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import jnr.constants.platform.Signal;
import jnr.posix.POSIXFactory;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.guest.GuestState;
import org.yucon.testing.Await;
import org.yucon.testing.Closing;
import org.yucon.testing.RawConsole;
import org.yucon.testing.SshScreen;
import org.yucon.testing.SshUser;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * The console keeper SIGKILLed while a guest runs: the gateway says so at once (to the console's viewers, in the
 * admins' status and menu), the guest keeps running, a new keeper is started, the guest is shown running with its
 * "console lost" and is shut down through mconsole; the menu and the verbs answer throughout. Its next boot has a
 * console again, held by the new keeper.
 */
class KeeperLossIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** A new keeper is a JVM's start: seconds on a busy host (the gateway waits up to 20 s for one). */
    private static final Duration KEEPER_START = Duration.ofSeconds(30);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(45);
    private static final String GUEST = "uml1";
    private static final String PROMPT = "uml1:/root# ";

    @TempDir
    Path dir;

    @Test
    void aKilledKeeperIsReplacedAndItsGuestRunsOnWithoutItsConsoleUntilShutDown() throws Exception {
        TestHost host = TestHost.start(dir, GUEST);
        SshUser ssh = SshUser.of(host);
        long uml = 0;
        try {
            Path state = host.config().gateway().stateDir();
            long keeper = KeeperClient.pid(state);
            uml = boot(host, ssh);
            try (RawConsole console = logIn(ssh)) {
                long from = console.position();
                assertEquals(0, POSIXFactory.getNativePOSIX().kill((int) keeper, Signal.SIGKILL.intValue()));
                console.awaitText("console keeper", from, TIMEOUT);
            }
            SshUser.Result status = awaitStatus(ssh, GUEST + " running (console lost)", TIMEOUT);
            assertTrue(status.err().contains("console keeper"), "the admins' status names the lost keeper: " + status);
            SshUser.Result owners = ssh.run(GUEST, "status");
            assertEquals(GUEST + " running (console lost)\n", owners.out(), owners.toString());
            assertEquals("", owners.err(), "what is wrong with the host is for admins only: " + owners);
            assertTrue(ProcessHandle.of(uml).map(ProcessHandle::isAlive).orElse(false), "the UML " + uml + " runs on");
            Await.until("a new console keeper", KEEPER_START, () -> newKeeper(state, keeper), () -> "keeper.pid of " + state);
            assertNotEquals(keeper, KeeperClient.pid(state));

            try (ClientSession session = ssh.login("admin");
                 SshScreen menu = SshScreen.menu(session, "xterm", 80, 24)) {
                menu.awaitText("console lost", TIMEOUT);
                menu.awaitText("console keeper", TIMEOUT);
                menu.press("s");
                menu.awaitText("Shut down " + GUEST + "?", TIMEOUT);
                menu.press("y");
                menu.awaitText(GUEST + " is shutting down", TIMEOUT);
                long gone = uml;
                Await.until("the UML " + uml + " to end", BOOT_TIMEOUT,
                        () -> !ProcessHandle.of(gone).map(ProcessHandle::isAlive).orElse(false), menu::describe);
                Await.until(GUEST + " off in the menu", TIMEOUT,
                        () -> host.guest(GUEST).status().state() == GuestState.OFF && menu.text().contains("Off"), menu::describe);
            }

            uml = boot(host, ssh);
            logIn(ssh).close();
        } finally {
            if (uml != 0) {
                Uml.killWithGroup(uml);
            }
            Closing.all(ssh, host);
        }
    }

    /** Boots the guest with the verb; its UML's pid once it runs. */
    private static long boot(TestHost host, SshUser ssh) throws IOException {
        assertEquals(0, ssh.run(GUEST, "boot").status());
        awaitStatus(ssh, GUEST + " running", BOOT_TIMEOUT);
        return host.guest(GUEST).status().pid();
    }

    /** The guest's console, logged in as root: a console the keeper holds. */
    private static RawConsole logIn(SshUser ssh) throws IOException {
        RawConsole console = ssh.console(GUEST, 100, 30);
        long login = console.awaitText("login:", 0, BOOT_TIMEOUT);
        console.type("root\r");
        console.awaitText(PROMPT, login, TIMEOUT);
        return console;
    }

    private static boolean newKeeper(Path state, long old) {
        try {
            long pid = KeeperClient.pid(state);
            return pid != old && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Polls the admin's {@code status GUEST} until its output starts with {@code line}; returns that answer. */
    static SshUser.Result awaitStatus(SshUser ssh, String line, Duration timeout) {
        return awaitStatus(ssh, GUEST, line, timeout);
    }

    /** Polls the admin's {@code status guest} until its output starts with {@code line}; returns that answer. */
    static SshUser.Result awaitStatus(SshUser ssh, String guest, String line, Duration timeout) {
        SshUser.Result[] last = {null};
        Await.until("'" + line + "' from the status verb", timeout, () -> {
            try {
                last[0] = ssh.run("admin", "status " + guest);
                return last[0].status() == 0 && last[0].out().startsWith(line);
            } catch (IOException e) {
                last[0] = new SshUser.Result(-1, "", e.toString());
                return false;
            }
        }, () -> String.valueOf(last[0]));
        return last[0];
    }
}
