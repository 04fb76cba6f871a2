package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestSupervisor;
import org.yucon.testing.Await;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.SshScreen;
import org.yucon.testing.SshUser;
import org.yucon.testing.YuconCommand;

/**
 * Rights taken away reach the sessions already open, over real SSH on a real UML guest, with the accounts edited by
 * {@code yucon account} running as a process of its own (as an operator runs it beside the gateway): a writer whose
 * grant is revoked is detached and told, one newly named in the guest's {@code read_only} list loses write and is
 * told, and in neither case do its next keys reach the guest (its console log says so); a removed account's menu
 * ends with a sentence; the menu's actions and the verbs refuse what the login may no longer do.
 */
class RevocationIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    /** The gateway looks at the account and guest files every 2 s; a loaded host takes longer to act on a change. */
    private static final Duration NOTICED = Duration.ofSeconds(15);
    private static final String PREFIX = "\u0001";

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.of("uml1", "uml2");

    private static Path etc;
    private static Path publicKey;
    /** Makes each proof on the console a line of its own. */
    private static int proofs;

    @BeforeAll
    static void start() throws Exception {
        etc = gateway.host().config().etc();
        publicKey = Files.writeString(gateway.host().dir().resolve("user.pub"),
                PublicKeyEntry.toString(gateway.host().userKey().getPublic()) + "\n");
        bootUml1();
        try (ClientSession session = gateway.ssh().login("uml1");
             SshScreen console = SshScreen.open(session.createExecChannel("console"))) {
            console.awaitText("uml1 login:", BOOT_TIMEOUT);
            console.press("root\r");
            console.awaitText("uml1:/root#", TIMEOUT);
            console.detach();
            console.awaitText("[yucon] detached", TIMEOUT);
        }
    }

    /** Boots uml1 and waits until it runs, before anybody attaches. */
    private static void bootUml1() {
        GuestSupervisor uml1 = gateway.host().guest("uml1");
        assertTrue(uml1.boot().ok(), "uml1 boots");
        Await.until("uml1 running", BOOT_TIMEOUT, () -> uml1.status().state() == GuestState.RUNNING,
                () -> uml1.status().toString());
    }

    @Test
    void aWriterWhoseGrantIsRevokedIsDetachedAtOnceAndItsKeysStop() throws Exception {
        addAccount("frank", "uml1");
        try (ClientSession session = loginWhenKnown("frank"); SshScreen frank = SshScreen.menu(session, "xterm", 100, 30)) {
            writesOnUml1FromTheMenu(frank);
            account("revoke", "frank", "uml1");
            frank.awaitText("frank may no longer see uml1; detached", NOTICED);
            frank.press("echo LEAKF-$((2+3))\r");
            frank.awaitText("This login has no guests.", TIMEOUT);
        }
        assertNotInConsoleLog("LEAKF-");
    }

    @Test
    void aWriterNewlyNamedReadOnlyLosesWriteAtOnceAndItsKeysStop() throws Exception {
        addAccount("gina", "uml1");
        Path file = etc.resolve("guests/uml1.toml");
        String before = Files.readString(file);
        GuestSupervisor uml1 = gateway.host().guest("uml1");
        long pid = uml1.status().pid();
        try (ClientSession session = loginWhenKnown("gina"); SshScreen gina = SshScreen.menu(session, "xterm", 100, 30)) {
            writesOnUml1FromTheMenu(gina);
            Files.writeString(file, "read_only = [\"gina\"]\n" + before);
            gina.awaitText("read-only now: gina may no longer write on uml1", NOTICED);
            gina.press("echo LEAKG-$((3+3))\r");
            gina.awaitText("your keys do not reach uml1", TIMEOUT);
            gina.press(PREFIX + "f");
            gina.awaitText("this login may not write on uml1", TIMEOUT);

            gina.press(PREFIX + "m");
            gina.awaitText("Options:", TIMEOUT);
            gina.press("r");
            gina.awaitText("Error: this login may only watch uml1", TIMEOUT);
        } finally {
            Files.writeString(file, before);
        }
        assertNotInConsoleLog("LEAKG-");
        assertEquals(pid, uml1.status().pid(), "uml1 was not rebooted");
    }

    @Test
    void aRemovedAccountsMenuEndsWithASentence() throws Exception {
        addAccount("hank", "uml2");
        try (ClientSession session = loginWhenKnown("hank"); SshScreen hank = SshScreen.menu(session, "xterm", 100, 30)) {
            hank.awaitText("-->uml2", TIMEOUT);
            account("remove", "hank");
            hank.awaitText("the account hank was removed; this session ends", NOTICED);
            hank.awaitExit(TIMEOUT);
        }
    }

    @Test
    void actionsAfterARevocationAreRefused() throws Exception {
        addAccount("ivan", "uml1");
        account("grant", "ivan", "uml2");
        GuestSupervisor uml1 = gateway.host().guest("uml1");
        GuestSupervisor uml2 = gateway.host().guest("uml2");
        long pid = uml1.status().pid();
        try (ClientSession session = loginWhenKnown("ivan"); SshScreen ivan = SshScreen.menu(session, "xterm", 100, 30)) {
            ivan.awaitText("-->uml1", TIMEOUT);
            ivan.awaitText("uml2", TIMEOUT);
            ivan.press("r");
            ivan.awaitText("Reboot uml1? y - yes", TIMEOUT);

            account("revoke", "ivan", "uml1");
            ivan.awaitText("-->uml2", NOTICED);
            ivan.press("h");
            ivan.awaitText("Error: ivan may no longer act on uml1", TIMEOUT);

            account("revoke", "ivan", "uml2");
            ivan.awaitNoText("-->uml2", NOTICED);
            ivan.press("b");
            ivan.awaitText("This login has no guests.", TIMEOUT);
        }
        SshUser.Result verb = gateway.ssh().run("ivan", "boot uml2");
        assertEquals(1, verb.status(), verb.toString());
        assertTrue(verb.err().contains("no guest named 'uml2'"), verb.toString());
        assertEquals(GuestState.OFF, uml2.status().state(), "uml2 stays off");
        assertEquals(pid, uml1.status().pid(), "uml1 was not rebooted");
    }

    /** From the menu onto uml1's console (its only guest), where the login writes: its command is answered. */
    private static void writesOnUml1FromTheMenu(SshScreen screen) throws IOException {
        screen.awaitText("Options:", TIMEOUT);
        screen.press("\r");
        screen.awaitText("console of uml1", TIMEOUT);
        screen.press("echo WRITES-$((1+1))\r");
        screen.awaitLine("the login's command answered", TIMEOUT, line -> line.equals("WRITES-2"));
    }

    /** Adds an account owning {@code guest} with the test's key, through the command an operator runs. */
    private static void addAccount(String name, String guest) throws Exception {
        account("add", name, "--guest", guest, "--no-password", "--key", publicKey.toString());
    }

    private static void account(String subcommand, String... args) throws Exception {
        YuconCommand.Result result = YuconCommand.account(etc, subcommand, args);
        assertEquals(0, result.status(), "yucon account " + subcommand + " " + String.join(" ", args) + ": " + result);
    }

    /** A new account counts from the gateway's next look at the files, at most a few seconds away. */
    private static ClientSession loginWhenKnown(String name) {
        ClientSession[] session = new ClientSession[1];
        Await.until(name + " to be able to log in", NOTICED, () -> {
            try {
                session[0] = gateway.ssh().login(name);
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }, () -> "no login for " + name);
        return session[0];
    }

    /**
     * The owner types a proof on the console; once the console log has its answer, everything typed before it has
     * been echoed to the log if it reached the guest at all, and {@code leak} must not be there.
     */
    private static void assertNotInConsoleLog(String leak) throws Exception {
        int n = ++proofs;
        try (ClientSession session = gateway.ssh().login("uml1");
             SshScreen owner = SshScreen.open(session.createExecChannel("console"))) {
            owner.awaitText("console of uml1", TIMEOUT);
            owner.press(PREFIX + "f");
            owner.awaitText("you write now", TIMEOUT);
            owner.press("echo PROOF" + n + "-$((40+2))\r");
            owner.awaitLine("the owner's proof answered", TIMEOUT, line -> line.equals("PROOF" + n + "-42"));
        }
        Path log = gateway.host().config().gateway().stateDir().resolve("logs/uml1.log");
        Await.until("the proof in " + log, TIMEOUT, () -> read(log).contains("PROOF" + n + "-42\r\n"), () -> tail(log));
        assertFalse(read(log).contains(leak), "keys typed after the change reached uml1: " + tail(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(Path log) {
        String text = read(log);
        return text.substring(Math.max(0, text.length() - 2000));
    }
}
