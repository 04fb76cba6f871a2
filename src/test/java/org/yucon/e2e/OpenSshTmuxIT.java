package org.yucon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.testing.Await;
import org.yucon.testing.OpenSsh;
import org.yucon.testing.SshScreen;
import org.yucon.testing.SshUser;
import org.yucon.testing.TestHost;
import org.yucon.testing.Tmux;
import org.yucon.testing.TwoHosts;

/**
 * End to end with the real OpenSSH client in a real terminal (a tmux pane), against a real gateway with real
 * UML guests: what a user types and what the screen then shows, from login to detach.
 */
class OpenSshTmuxIT {
    private static final String PANE = "e2e";
    private static final Duration BOOT = Duration.ofSeconds(30);
    private static final Duration SHUTDOWN = Duration.ofSeconds(25);
    private static final Duration SHORT = Duration.ofSeconds(10);
    /** Typed where the guest does not echo, as a password is. */
    private static final String SECRET = "pw-Xq7vZ2";

    @TempDir
    static Path tmuxDir;
    private static Tmux tmux;

    private TestHost host;
    /** Two hosts of a fleet instead of {@link #host}, or null. */
    private TwoHosts fleet;
    private Path key;

    @BeforeAll
    static void startTmux() throws IOException {
        Tmux.requireProgram("ssh", "-V");
        tmux = Tmux.create(tmuxDir);
    }

    @AfterAll
    static void stopTmux() {
        if (tmux != null) {
            tmux.close();
        }
    }

    @AfterEach
    void stopHost() throws IOException {
        // The session first, so ssh is gone before the gateway it talks to.
        try {
            tmux.killSession(PANE);
        } catch (IllegalStateException e) {
            // Never started, or already gone with the server.
        }
        try (TwoHosts both = fleet) {
            if (host != null) {
                host.close();
            }
        }
    }

    @Test
    void adminBootsUsesResizesDetachesAndShutsDownThroughTheMenu(@TempDir Path dir) throws Exception {
        start(dir, "uml1", "uml2");
        tmux.newSession(PANE, 100, 30, ssh("admin"));

        String menu = awaitScreen(s -> guestLine(s, "uml1").contains("Off") && guestLine(s, "uml2").contains("Off"),
                SHORT, "the menu with uml1 and uml2 both Off");
        assertTrue(menu.lines().anyMatch(l -> l.startsWith("User: admin")), "header names the account:\n" + menu);
        assertMenuFills(menu, 30);

        tmux.keys(PANE, "j");
        awaitScreen(s -> guestLine(s, "uml2").startsWith("-->"), SHORT, "uml2 selected");
        bootAndLogIn("uml2");

        runInGuest("echo $((6*7))", "42");
        // The size tmux gave ssh travelled through the SSH pty request and the console pty into the guest.
        runInGuest("stty size", "30 100");
        tmux.resizeWindow(PANE, 120, 40);
        runInGuest("stty size", "40 120");

        tmux.keys(PANE, "C-a", "d");
        String back = awaitScreen(s -> s.contains("Options:") && !guestLine(s, "uml2").isEmpty(), SHORT, "the menu again");
        assertTrue(guestLine(back, "uml2").contains("Running"), "uml2 still runs after detaching:\n" + back);
        // The window grew while the console had it; the menu must be laid out for the new size, not the old one.
        assertMenuFills(back, 40);

        tmux.keys(PANE, "s");
        awaitScreen(s -> s.contains("Shut down uml2?"), SHORT, "the shutdown question");
        tmux.keys(PANE, "y");
        awaitScreen(s -> guestLine(s, "uml2").contains("Off"), SHUTDOWN, "uml2 Off");

        tmux.keys(PANE, "q");
        awaitExit(0);
    }

    /**
     * The fleet (issue 22): uml5's owner logs in on uml-host1, the entry point, and is on uml-host2's menu, where uml5
     * runs; its console there has one more viewer who logged in on uml-host2 directly.
     */
    @Test
    void anOwnerLogsInOnOneHostAndUsesTheirGuestOnAnother(@TempDir Path dir) throws Exception {
        fleet = TwoHosts.start(dir);
        key = writePrivateKey(dir.resolve("id_ed25519"), fleet.userKey());
        // uml-host1 relays uml5's login once its poll learnt that uml-host2 holds uml5.
        String[] status = {""};
        Await.until("uml-host1 knows where uml5 runs", SHORT, () -> {
            status[0] = output(withCommand(ssh("admin", fleet.host1().port()), "status"));
            return status[0].contains("uml-host2 uml5 off");
        }, () -> status[0]);
        tmux.newSession(PANE, 100, 30, ssh("uml5", fleet.host1().port()));
        String menu = awaitScreen(s -> guestLine(s, "uml5").contains("Off"), SHORT, "uml-host2's menu with uml5 Off");
        assertTrue(menu.lines().anyMatch(l -> l.startsWith("User: uml5") && l.contains("Host: uml-host2")), "the holding host's menu:\n" + menu);
        bootAndLogIn("uml5");
        runInGuest("echo hello-$((6*7))", "hello-42");
        try (SshUser at2 = SshUser.of(fleet.host2()); ClientSession admin = at2.login("admin");
             SshScreen direct = SshScreen.open(admin.createExecChannel("console uml5"))) {
            direct.awaitText("hello-42", SHORT);
            tmux.keys(PANE, "C-a", "w");
            String who = awaitScreen(s -> s.contains("2 on the console of uml5:"), SHORT, "^A w with two viewers");
            assertTrue(who.lines().anyMatch(l -> l.contains("uml5@127.0.0.1:") && l.contains("via uml-host1")), who);
            assertTrue(who.lines().anyMatch(l -> l.contains("admin@127.0.0.1:") && !l.contains("via")),
                    "a viewer attached on uml-host2 directly:\n" + who);
        }
        tmux.keys(PANE, "C-a", "d");
        awaitScreen(s -> s.contains("Options:") && guestLine(s, "uml5").contains("Running"), SHORT, "the menu again");
        tmux.keys(PANE, "s");
        awaitScreen(s -> s.contains("Shut down uml5?"), SHORT, "the shutdown question");
        tmux.keys(PANE, "y");
        awaitScreen(s -> guestLine(s, "uml5").contains("Off"), SHUTDOWN, "uml5 Off");
        tmux.keys(PANE, "q");
        awaitExit(0);
    }

    @Test
    void consoleVerbAttachesStraightAwayAndCtrlACtrlDEndsTheSession(@TempDir Path dir) throws Exception {
        start(dir, "uml1");
        assertEquals(0, runSsh("uml1", "boot"), "ssh -l uml1 boot");

        tmux.newSession(PANE, 100, 30, console("uml1"));
        awaitScreen(s -> s.contains("[yucon] console of uml1"), SHORT, "the console banner");
        awaitScreen(s -> s.contains("uml1 login:"), BOOT, "the login prompt of uml1");

        tmux.keys(PANE, "C-a", "C-d");
        String last = awaitExit(0);
        assertTrue(last.contains("[yucon] detached"), "ssh ended with the detach notice:\n" + last);
    }

    /**
     * busybox's shell asks the terminal where its cursor is (ESC [ 6 n) at each prompt. After a logout the guest
     * is back at login, and that question is still in the console's recent output: replayed to the next viewer,
     * its terminal (tmux here) answers "ESC [ row ; col R", and the answer went to the guest as if typed, so that
     * "root" typed at login: became a user "[30;11Rroot". Replays (on attach, Ctrl-A r, the log verb) now leave
     * queries out; the login works at the first try.
     */
    @Test
    void aCursorQueryInTheReplayDoesNotTypeIntoTheLogin(@TempDir Path dir) throws Exception {
        start(dir, "uml1");
        assertEquals(0, runSsh("uml1", "boot"), "ssh -l uml1 boot");
        List<String> console = console("uml1");
        Path log = host.consoleLog("uml1");
        // A window size set before the guest's console is open panics this UML 6.1 (FIELD-NOTES): attach at login.
        Await.until("uml1's login prompt in its console log", BOOT, () -> read(log).contains("uml1 login:"), () -> read(log));

        tmux.newSession(PANE, 100, 30, console);
        logInAsRoot("uml1", SHORT);
        Await.until("the shell's cursor query in the console log", SHORT, () -> read(log).contains("# \u001b[6n"),
                () -> "no ESC [ 6 n in " + log);
        tmux.type(PANE, "exit");
        tmux.keys(PANE, "Enter");
        awaitScreen(s -> s.strip().endsWith("uml1 login:"), SHORT, "the login prompt again, after the shell");
        tmux.keys(PANE, "C-a", "C-d");
        awaitExit(0);

        tmux.killSession(PANE);
        tmux.newSession(PANE, 100, 30, console);
        awaitScreen(s -> s.contains("[yucon] console of uml1"), SHORT, "the replay and the console's banner");
        tmux.keys(PANE, "C-a", "r");
        awaitScreen(s -> s.contains("[yucon] end of the replay"), SHORT, "the replay of the last lines");
        tmux.type(PANE, "root");
        tmux.keys(PANE, "Enter");
        String shell = awaitScreen(s -> shellPrompt(s) || s.contains("Password:") || s.contains("Login incorrect"), SHORT,
                "the login's answer");
        assertTrue(shellPrompt(shell), "root logs in at the first try, nothing typed before it:\n" + frame(shell));
        runInGuest("echo $((6*7))", "42");

        OpenSsh.Result tail = OpenSsh.run(withCommand(ssh("uml1"), "log"), (int) SHORT.toSeconds());
        assertEquals(0, tail.status(), tail.output());
        assertTrue(tail.output().contains("uml1 login:") && !tail.output().contains("\u001b[6n"),
                "the log verb shows the console without the shell's cursor queries:\n" + tail.output());
    }

    /**
     * A console session through OpenSSH is recorded (issue 23): the login, what the shell printed and the window's
     * new size are in a file that Debian's asciinema plays; what was typed unseen (a password at a prompt that does
     * not echo) is not, as input is not recorded by default. Only the guest's owner and admins list and fetch it.
     */
    @Test
    void aConsoleSessionIsRecordedForAsciinemaWithoutWhatWasTypedUnseen(@TempDir Path dir) throws Exception {
        start(dir, "uml1", "uml2");
        String id = recordSession("uml1");

        Path cast = dir.resolve("s.cast");
        assertEquals(0, fetchRecording("uml1", id, cast), "ssh -l uml1 recording " + id);
        String file = Files.readString(cast, StandardCharsets.UTF_8);
        String header = file.lines().findFirst().orElse("");
        assertTrue(header.startsWith("{\"version\":2,\"width\":100,\"height\":30,") && header.contains(
                "\"title\":\"uml1: uml1@127.0.0.1:"), "the header has the size at attach and names who:\n" + header);
        assertTrue(file.contains(", \"r\", \"120x40\"]"), "the window's new size is an r event:\n" + file);
        assertFalse(file.contains(SECRET), "what the viewer typed unseen stays out of the recording:\n" + file);
        assertFalse(file.contains(", \"i\", "), "no keys are recorded by default");
        String played = asciinemaCat(cast);
        assertTrue(played.contains("hello-42"), "asciinema cat shows the session:\n" + played);

        Path recordings = host.config().gateway().stateDir().resolve("recordings");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(recordings.resolve("uml1"))));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(recordings.resolve("uml1").resolve(id + ".cast"))));

        OpenSsh.Result admin = OpenSsh.run(withCommand(ssh("admin"), "recordings"), (int) SHORT.toSeconds());
        assertTrue(admin.status() == 0 && admin.output().lines().anyMatch(l -> l.matches(id + " +uml1 +uml1 .*")),
                "an admin lists every recording:\n" + admin.output());
        OpenSsh.Result other = OpenSsh.run(withCommand(ssh("uml2"), "recordings"), (int) SHORT.toSeconds());
        assertEquals(new OpenSsh.Result(0, "no recordings\n"), other, "another guest's owner lists none of uml1's");
        OpenSsh.Result named = OpenSsh.run(withCommand(ssh("uml2"), "recordings", "uml1"), (int) SHORT.toSeconds());
        assertEquals(new OpenSsh.Result(1, "no guest named 'uml1'\n"), named, "nor by naming the guest");
        Path stolen = dir.resolve("stolen.cast");
        assertEquals(1, fetchRecording("uml2", id, stolen), "another guest's owner cannot fetch it");
        assertEquals(0, Files.size(stolen));
        for (String name : List.of("../uml1/" + id, "uml1/" + id, id + ".cast", "..", "0" + id + "x")) {
            OpenSsh.Result r = OpenSsh.run(withCommand(ssh("admin"), "recording", name), (int) SHORT.toSeconds());
            assertTrue(r.status() != 0 && !r.output().contains("version"), "'" + name + "' names no recording:\n" + r);
        }
    }

    /**
     * Where {@code [recording] input = true}, the keys typed are in the recording, as i events; {@code ssh -t play ID}
     * plays it in the terminal to its end.
     */
    @Test
    void keysAreRecordedWhereInputRecordingIsOn(@TempDir Path dir) throws Exception {
        start(dir, List.of("[recording]", "input = true"), "uml1");
        String id = recordSession("uml1");
        Path cast = dir.resolve("s.cast");
        assertEquals(0, fetchRecording("admin", id, cast), "ssh -l admin recording " + id);
        String typed = Files.readString(cast, StandardCharsets.UTF_8).lines()
                .map(l -> l.replaceFirst("^\\[[0-9.]+, \"i\", \"(.*)\"]$", "\u0000$1"))
                .filter(l -> l.startsWith("\u0000")).map(l -> l.substring(1)).collect(Collectors.joining());
        assertTrue(typed.contains("echo hello-$((6*7))") && typed.contains(SECRET), "the keys typed: " + typed);
        assertTrue(asciinemaCat(cast).contains("hello-42"));

        tmux.killSession(PANE);
        List<String> play = withCommand(ssh("uml1"), "play", id);
        play.add(1, "-t");
        tmux.newSession(PANE, 100, 30, play);
        awaitScreen(s -> s.contains("hello-42") && s.contains("[yucon] end of the recording"), BOOT,
                "the recording played to its end");
        awaitExit(0);

        tmux.killSession(PANE);
        tmux.newSession(PANE, 100, 30, play);
        awaitScreen(s -> s.contains("uml1 login:"), SHORT, "the start of the recording played again");
        tmux.keys(PANE, "q");
        assertTrue(awaitExit(0).contains("[yucon] stopped"), "q stops the player");
    }

    /**
     * Boots {@code login}'s guest and, through OpenSSH in tmux, logs in on its console, runs a command, types a
     * secret that the guest does not echo, resizes the window and detaches; returns the id of the recording, once
     * it is complete.
     */
    private String recordSession(String login) throws Exception {
        assertEquals(0, runSsh(login, "boot"), "ssh -l " + login + " boot");
        Path log = host.consoleLog(login);
        // A window size set before the guest's console is open panics this UML 6.1 (FIELD-NOTES): attach at login.
        Await.until(login + "'s login prompt in its console log", BOOT, () -> read(log).contains(login + " login:"), () -> read(log));
        tmux.newSession(PANE, 100, 30, console(login));
        logInAsRoot(login, SHORT);
        runInGuest("echo hello-$((6*7))", "hello-42");
        // The secret is typed once the guest's tty stopped echoing: typed ahead, the tty would still echo it.
        tmux.type(PANE, "stty -echo; echo unseen-$((3+4)); read x; stty echo");
        tmux.keys(PANE, "Enter");
        awaitScreen(screen -> countLines(screen, "unseen-7") > 0, SHORT, "the guest's tty to stop echoing");
        tmux.type(PANE, SECRET);
        tmux.keys(PANE, "Enter");
        runInGuest("echo read-$((1+1))", "read-2");
        tmux.resizeWindow(PANE, 120, 40);
        runInGuest("stty size", "40 120");
        tmux.keys(PANE, "C-a", "C-d");
        awaitExit(0);

        Pattern row = Pattern.compile("([0-9]+) +" + Pattern.quote(login) + " .*");
        String[] listed = new String[1];
        Await.until("the recording listed, finished", SHORT, () -> {
            listed[0] = listRecordings(login);
            return listed[0].lines().anyMatch(l -> row.matcher(l).matches() && !l.endsWith("live"));
        }, () -> listed[0]);
        Matcher m = row.matcher(listed[0].lines().filter(l -> row.matcher(l).matches()).findFirst().orElseThrow());
        assertTrue(m.matches());
        return m.group(1);
    }

    /** What {@code ssh -l LOGIN recordings} prints. */
    private String listRecordings(String login) {
        try {
            return OpenSsh.run(withCommand(ssh(login), "recordings"), (int) SHORT.toSeconds()).output();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code ssh -l LOGIN recording ID > file}; ssh's exit status. */
    private int fetchRecording(String login, String id, Path file) throws Exception {
        Process p = new ProcessBuilder(withCommand(ssh(login), "recording", id)).redirectOutput(file.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!p.waitFor(SHORT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("ssh recording " + id + " did not finish");
        }
        return p.exitValue();
    }

    /** What Debian's {@code asciinema cat} prints of a recording; it wants a terminal, which script(1) gives it. */
    private static String asciinemaCat(Path cast) throws Exception {
        OpenSsh.Result cat = OpenSsh.run(List.of("script", "-qec", "asciinema cat " + cast, "/dev/null"), (int) SHORT.toSeconds());
        assertEquals(0, cat.status(), "asciinema cat " + cast + ":\n" + cat.output());
        return cat.output();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> withCommand(List<String> ssh, String... command) {
        List<String> argv = new ArrayList<>(ssh);
        argv.addAll(Arrays.asList(command));
        return argv;
    }

    private void start(Path dir, String... guests) throws Exception {
        start(dir, List.of(), guests);
    }

    /** With {@code gatewayLines} added to yucon.toml. */
    private void start(Path dir, List<String> gatewayLines, String... guests) throws Exception {
        host = TestHost.start(dir, gatewayLines, guests);
        key = writePrivateKey(dir.resolve("id_ed25519"), host.userKey());
    }

    /** The client key in OpenSSH format, 0600 from the start: ssh ignores a key others may read. */
    private static Path writePrivateKey(Path file, KeyPair userKey) throws Exception {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(userKey, "test", null, out);
        }
        return file;
    }

    /** An ssh command line that reads no user configuration, trusts the test host key and never prompts. */
    private List<String> ssh(String login) {
        return ssh(login, host.port());
    }

    private List<String> ssh(String login, int port) {
        return new ArrayList<>(List.of("ssh", "-F", "/dev/null",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                // Keeps "Permanently added ... to the list of known hosts" out of the screen under test.
                "-o", "LogLevel=ERROR",
                "-i", key.toString(), "-p", String.valueOf(port), "-l", login, "127.0.0.1"));
    }

    /** {@code ssh -t ... console}: straight onto the console of {@code login}'s guest. */
    private List<String> console(String login) {
        List<String> console = ssh(login);
        console.add(1, "-t");
        console.add("console");
        return console;
    }

    /** Runs an exec verb without a terminal and returns ssh's exit status. */
    private int runSsh(String login, String... verb) throws Exception {
        List<String> argv = ssh(login);
        argv.addAll(Arrays.asList(verb));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(SHORT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("ssh " + String.join(" ", verb) + " did not finish: " + output);
        }
        System.out.println("ssh " + String.join(" ", verb) + ": " + output.trim());
        return p.exitValue();
    }

    /** From the menu, the selected guest: boots it, opens its console and logs in as root there. */
    private void bootAndLogIn(String guest) {
        tmux.keys(PANE, "b");
        awaitScreen(s -> guestLine(s, guest).contains("Running"), BOOT, guest + " Running");
        tmux.keys(PANE, "Enter");
        logInAsRoot(guest, BOOT);
    }

    /** At the guest's login prompt, due within {@code promptWithin}: logs in as root and waits for the shell. */
    private void logInAsRoot(String guest, Duration promptWithin) {
        awaitScreen(s -> s.contains(guest + " login:"), promptWithin, "the login prompt on the console of " + guest);
        tmux.type(PANE, "root");
        tmux.keys(PANE, "Enter");
        awaitScreen(OpenSshTmuxIT::shellPrompt, SHORT, "a root shell prompt on " + guest);
    }

    /** Types a command at the guest's shell and waits for a line that is exactly {@code expected}. */
    private void runInGuest(String command, String expected) {
        long before = countLines(tmux.capture(PANE), expected);
        tmux.type(PANE, command);
        tmux.keys(PANE, "Enter");
        // Counting, not finding: an earlier "stty size" may have printed the same line already.
        awaitScreen(s -> countLines(s, expected) > before && shellPrompt(s), SHORT, "'" + expected + "' from: " + command);
    }

    /** What an ssh command printed, or why it could not run: for waiting until it says something. */
    private static String output(List<String> argv) {
        try {
            return OpenSsh.run(argv, (int) SHORT.toSeconds()).output();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static long countLines(String screen, String exact) {
        return screen.lines().filter(l -> l.strip().equals(exact)).count();
    }

    /** True when the last non-blank line is a root prompt waiting for input (busybox: "~ # "). */
    private static boolean shellPrompt(String screen) {
        List<String> lines = screen.lines().filter(l -> !l.isBlank()).toList();
        return !lines.isEmpty() && lines.get(lines.size() - 1).strip().endsWith("#");
    }

    /** The menu's key help sits four rows above the bottom of a window {@code rows} high. */
    private static void assertMenuFills(String screen, int rows) {
        List<String> lines = screen.lines().toList();
        int options = IntStream.range(0, lines.size()).filter(i -> lines.get(i).startsWith("Options:")).findFirst().orElse(-1);
        assertEquals(rows - 4, options, "row of the Options line in a window " + rows + " rows high:\n" + frame(screen));
    }

    /** The menu line of a guest ("-->uml2 ..." when selected, "   uml2 ..." otherwise), or "" when absent. */
    private static String guestLine(String screen, String guest) {
        Pattern line = Pattern.compile("^(-->| {3})" + Pattern.quote(guest) + " .*");
        return screen.lines().filter(l -> line.matcher(l).matches()).findFirst().orElse("");
    }

    /** Waits for ssh to exit with {@code status}; returns the last screen it left. */
    private String awaitExit(int status) {
        awaitScreen(s -> tmux.paneExit(PANE).isPresent(), SHORT, "ssh to exit");
        assertEquals("status " + status, tmux.paneExit(PANE).orElseThrow(), "how ssh ended");
        return tmux.capture(PANE);
    }

    /**
     * Polls the pane until {@code condition} holds and returns that screen; on timeout fails showing the last
     * screen, which is what a user would have been looking at.
     */
    private static String awaitScreen(Predicate<String> condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String screen;
        do {
            screen = tmux.capture(PANE);
            if (condition.test(screen)) {
                return screen;
            }
            sleep(100);
        } while (System.nanoTime() < deadline);
        screen = tmux.capture(PANE);
        if (condition.test(screen)) {
            return screen;
        }
        return fail("no " + what + " within " + timeout.toSeconds() + " s; the screen:\n" + frame(screen));
    }

    /** The screen between rulers, so blank lines at its end are visible in a failure message. */
    private static String frame(String screen) {
        String ruler = "-".repeat(40);
        return ruler + "\n" + screen + (screen.endsWith("\n") ? "" : "\n") + ruler;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
