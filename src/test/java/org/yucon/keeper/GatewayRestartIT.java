package org.yucon.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.config.ConfigLoader;
import org.yucon.config.Configuration;
import org.yucon.console.ConsoleLogs;
import org.yucon.ssh.HostKeys;
import org.yucon.testing.Await;
import org.yucon.testing.RawConsole;
import org.yucon.testing.SshUser;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * The gateway as a process of its own ({@code yucon serve}) that dies and comes back, while the console keeper
 * goes on: the guest keeps its UML process, the next gateway takes it up with its console, and the keeper's log
 * of the console has no hole for the time no gateway ran.
 *
 * <p>Everything the tests start is killed by pid afterwards, however they end: the gateway processes, the UML
 * (whose parent is the keeper) and the keeper.
 */
class GatewayRestartIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(40);
    /** The guest's shutdown_timeout (10 s, TestHost), halt's grace (5 s) and room for a gateway's start. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(40);
    /** How long no gateway runs in the crash test; the guest prints 10 lines a second meanwhile. */
    private static final Duration GATEWAY_AWAY = Duration.ofSeconds(2);
    /** A restarted gateway shows the guest it adopted running: at once, but each status asked is an SSH login. */
    private static final Duration ADOPTED = Duration.ofSeconds(20);
    private static final String GUEST = "uml1";
    /** The demo image's PS1 is '\h:\w\$ '. */
    private static final String PROMPT = "uml1:/root# ";
    private static final String PRINTER = "i=0; while :; do i=$((i+1)); echo SEQ-$i; sleep 0.1; done";
    private static final Pattern SEQ_LINE = Pattern.compile("(?m)^SEQ-(\\d+)\\r?$");

    @TempDir
    Path dir;
    private Path etc;
    private Configuration config;
    private SshUser user;
    private final List<GatewayProcess> gateways = new ArrayList<>();
    private final Set<Long> umlPids = new LinkedHashSet<>();
    private final Set<Long> keeperPids = new LinkedHashSet<>();

    @BeforeEach
    void configure() throws Exception {
        Uml.kernel(); // Provisioned here first, so that a failure to run UML says so rather than a gateway timeout.
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        etc = TestHost.writeConfig(dir, key, List.of(GUEST));
        config = new ConfigLoader(etc).load();
        // The host keys exist before any gateway starts, so that every gateway of the test presents the same ones.
        List<String> fingerprints = new HostKeys(config.gateway().hostKeyDir()).ensure().stream()
                .map(HostKeys.HostKey::fingerprint).toList();
        user = SshUser.start(config.gateway().port(), key, fingerprints);
    }

    @AfterEach
    void killEverythingStarted() throws IOException {
        try {
            if (user != null) {
                user.close();
            }
        } finally {
            gateways.forEach(GatewayProcess::close);
            umlPid().ifPresent(umlPids::add);
            umlPids.forEach(Uml::killWithGroup);
            keeperPid().ifPresent(keeperPids::add);
            keeperPids.forEach(GatewayRestartIT::kill);
        }
    }

    @Test
    void aGatewayKilledHardComesBackToTheSameGuestAndConsoleAndTheLogHasNoHole() throws Exception {
        GatewayProcess first = startGateway();
        long keeper = recordKeeper();
        long uml = boot();
        Instant umlStarted = startOf(uml);

        long lastBefore;
        try (RawConsole console = user.console(GUEST, 100, 30)) {
            logIn(console);
            long from = console.position();
            console.type(PRINTER + "\r");
            lastBefore = awaitSeqAbove(console, 5, from);
            first.kill();
            lastBefore = Math.max(lastBefore, maxSeq(console.since(from)));
            console.awaitClosed(TIMEOUT, from);
        }
        assertTrue(alive(uml), "the UML (pid " + uml + ") must outlive the gateway's SIGKILL");
        assertTrue(alive(keeper), "the keeper (pid " + keeper + ") must outlive the gateway's SIGKILL");
        Thread.sleep(GATEWAY_AWAY.toMillis()); // The scenario: no gateway at all for a while.

        Instant restart = Instant.now();
        startGateway();
        assertEquals(Optional.of(keeper), keeperPid(), "the second gateway must use the keeper that ran, not start one");
        assertSameProcess(uml, umlStarted);
        awaitRunning(ADOPTED);
        System.out.printf("restart: gateway listening again %d ms after it was started%n",
                Duration.between(restart, Instant.now()).toMillis());

        long lastSeen;
        try (RawConsole console = user.console(GUEST, 100, 30)) {
            long atAttach = awaitSeqAbove(console, lastBefore, 0);
            long live = awaitSeqAbove(console, atAttach + 3, 0);
            long from = console.position();
            console.type("\u0003");
            console.awaitText(PROMPT, from, TIMEOUT);
            lastSeen = maxSeq(console.all());
            from = console.position();
            console.type("echo $((6*7))\r");
            console.awaitText("\r\n42\r\n", from, TIMEOUT);
            System.out.printf("restart: last SEQ before the kill %d, on reattach %d, live %d, last %d%n",
                    lastBefore, atAttach, live, lastSeen);
        }

        long seen = lastSeen;
        Await.until("SEQ lines up to " + seen + " in the log " + logFile() + " (written in gathered pieces)", TIMEOUT,
                () -> loggedSeq().stream().anyMatch(n -> n >= seen), () -> summary(loggedSeq()));
        List<Long> logged = loggedSeq();
        for (int i = 0; i < logged.size(); i++) {
            if (logged.get(i) != i + 1) {
                fail("the log " + logFile() + " must hold SEQ-1 to SEQ-" + logged.get(logged.size() - 1)
                        + " in order without a gap, but line " + (i + 1) + " of them is SEQ-" + logged.get(i)
                        + "; around it: " + logged.subList(Math.max(0, i - 3), Math.min(logged.size(), i + 4))
                        + " (last before the kill " + lastBefore + ")");
            }
        }
        System.out.printf("restart: the log holds SEQ-1 to SEQ-%d without a gap, %d of them printed after the kill%n",
                logged.size(), logged.size() - lastBefore);
    }

    @Test
    void aGatewayStoppedWithSigtermLeavesTheGuestRunningForTheNext() throws Exception {
        GatewayProcess first = startGateway();
        long keeper = recordKeeper();
        long uml = boot();
        Instant umlStarted = startOf(uml);
        try (RawConsole console = user.console(GUEST, 100, 30)) {
            logIn(console);
        }

        int status = first.terminate(Duration.ofSeconds(20));
        assertTrue(first.output().contains("stopping the gateway"),
                "SIGTERM must run the gateway's orderly stop (exit status " + status + "); " + first.describe());
        assertSameProcess(uml, umlStarted);
        assertTrue(alive(keeper), "the keeper (pid " + keeper + ") must outlive the gateway");

        startGateway();
        assertEquals(Optional.of(keeper), keeperPid(), "the second gateway must use the keeper that ran, not start one");
        assertSameProcess(uml, umlStarted);
        awaitRunning(ADOPTED);
        try (RawConsole console = user.console(GUEST, 100, 30)) {
            console.awaitText("[yucon] console of " + GUEST, 0, TIMEOUT);
            awaitAnswer(console);
        }
    }

    @Test
    void aGatewayKilledDuringABootFindsItsGuestRunningWithItsConsoleAfterTheRestart() throws Exception {
        GatewayProcess first = startGateway();
        recordKeeper();
        SshUser.Result boot = user.run(GUEST, "boot");
        assertEquals(0, boot.status(), "boot: " + boot);
        first.kill();

        startGateway();
        awaitRunning(BOOT_TIMEOUT);
        umlPid().ifPresent(umlPids::add);
        try (RawConsole console = user.console(GUEST, 100, 30)) {
            logIn(console);
            awaitAnswer(console);
        }
    }

    /**
     * The guest's init does nothing on ctrl-alt-del here, so its shutdown ends only by the halt at its deadline,
     * which the gateway that began it does not live to send: the next one must.
     */
    @Test
    void aGatewayKilledDuringAShutdownLeavesItsGuestOffAfterTheRestart() throws Exception {
        GatewayProcess first = startGateway();
        recordKeeper();
        long uml = boot();
        try (RawConsole console = user.console(GUEST, 100, 30)) {
            logIn(console);
            long from = console.position();
            console.type("rm /sbin/poweroff && printf '#!/bin/sh\\n' > /sbin/poweroff && chmod +x /sbin/poweroff"
                    + " && echo NOOP-$((6*7))\r");
            console.awaitText("\r\nNOOP-42\r\n", from, TIMEOUT);
        }
        SshUser.Result shutdown = user.run(GUEST, "shutdown");
        assertEquals(0, shutdown.status(), "shutdown: " + shutdown);
        first.kill();
        assertTrue(alive(uml), "the UML (pid " + uml + ") is still shutting down when the gateway dies");

        startGateway();
        awaitStatus(GUEST + " off", SHUTDOWN_TIMEOUT);
        assertFalse(alive(uml), "the UML (pid " + uml + ") must be gone once " + GUEST + " is off");
    }

    /** The keeper the first gateway started, to be killed after the test; its pid. */
    private long recordKeeper() {
        long keeper = keeperPid().orElseThrow(() -> new AssertionError("no keeper.pid after the gateway started"));
        keeperPids.add(keeper);
        return keeper;
    }

    /** The guest's shell answers on the console. */
    private static void awaitAnswer(RawConsole console) throws IOException {
        long from = console.position();
        console.type("echo AFTER-$((6*7))\r");
        console.awaitText("\r\nAFTER-42\r\n", from, TIMEOUT);
    }

    private GatewayProcess startGateway() throws IOException {
        Path output = dir.resolve("gateway-" + (gateways.size() + 1) + ".out");
        GatewayProcess gateway = GatewayProcess.start(etc, output);
        gateways.add(gateway);
        return gateway;
    }

    /** Boots the guest with the boot verb and returns its UML pid once the gateway calls it running. */
    private long boot() throws IOException {
        SshUser.Result boot = user.run(GUEST, "boot");
        assertEquals(0, boot.status(), "boot: " + boot);
        awaitRunning(BOOT_TIMEOUT);
        long pid = umlPid().orElseThrow(() -> new AssertionError("no UML pid file under " + umlDir() + " although " + GUEST + " runs"));
        umlPids.add(pid);
        return pid;
    }

    private void awaitRunning(Duration timeout) {
        awaitStatus(GUEST + " running", timeout);
    }

    private void awaitStatus(String line, Duration timeout) {
        SshUser.Result[] last = {null};
        Await.until("'" + line + "' from the status verb", timeout, () -> {
            try {
                last[0] = user.run(GUEST, "status");
                return last[0].status() == 0 && last[0].out().startsWith(line);
            } catch (IOException e) {
                last[0] = new SshUser.Result(-1, "", e.toString());
                return false;
            }
        }, () -> String.valueOf(last[0]));
    }

    private static void logIn(RawConsole console) throws IOException {
        long login = console.awaitText("login:", 0, BOOT_TIMEOUT);
        console.type("root\r");
        console.awaitText(PROMPT, login, TIMEOUT);
    }

    /** Waits for a SEQ line above {@code n} at or after {@code from}; returns the highest one seen then. */
    private static long awaitSeqAbove(RawConsole console, long n, long from) {
        Await.until("a line SEQ-k with k > " + n, TIMEOUT, () -> maxSeq(console.since(from)) > n, () -> console.describe(from));
        return maxSeq(console.since(from));
    }

    private static long maxSeq(String text) {
        return seqNumbers(text).stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static List<Long> seqNumbers(String text) {
        List<Long> numbers = new ArrayList<>();
        Matcher m = SEQ_LINE.matcher(text);
        while (m.find()) {
            numbers.add(Long.parseLong(m.group(1)));
        }
        return numbers;
    }

    private static String summary(List<Long> numbers) {
        return numbers.size() <= 20 ? numbers.toString()
                : numbers.subList(0, 10) + " ... " + numbers.subList(numbers.size() - 10, numbers.size()) + " (" + numbers.size() + ")";
    }

    private static void assertSameProcess(long pid, Instant started) {
        assertTrue(alive(pid), "the UML (pid " + pid + ") must still run");
        assertEquals(started, startOf(pid), "pid " + pid + " must still be the UML that was booted, not a new process");
    }

    private Path stateDir() {
        return config.gateway().stateDir();
    }

    private Path umlDir() {
        return stateDir().resolve("uml").resolve(config.guests().get(GUEST).umid());
    }

    private List<Long> loggedSeq() {
        try {
            return seqNumbers(Files.readString(logFile(), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path logFile() {
        return ConsoleLogs.of(ConsoleLogs.dir(stateDir()), GUEST);
    }

    private Optional<Long> umlPid() {
        return readPid(umlDir().resolve("pid"));
    }

    private Optional<Long> keeperPid() {
        return readPid(ConsoleKeeper.pidFile(stateDir()));
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static Instant startOf(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant())
                .orElseThrow(() -> new AssertionError("process " + pid + " is gone"));
    }

    private static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
}
