package org.yucon.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.config.ConfigLoader;
import org.yucon.config.Configuration;
import org.yucon.console.ConsoleLogs;
import org.yucon.ssh.HostKeys;
import org.yucon.testing.Await;
import org.yucon.testing.SshUser;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;
import org.yucon.testing.YuconCommand;

/**
 * yucon as the two systemd units run it, without systemd (this machine's PID 1 is not): the keeper as a process of
 * its own ({@code yucon keeper}, as yucon-keeper.service starts it), the gateway with {@code --no-start-keeper} (as
 * yucon.service does). The gateway waits for that keeper rather than start one; a restart of the gateway (SIGTERM,
 * then a new one, as {@code systemctl restart yucon}) leaves the guest and the keeper running; {@code yucon stop}
 * (the keeper unit's ExecStop) shuts the guest down gracefully and ends the keeper.
 */
class ServiceIT {
    private static final String GUEST = "uml1";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private Process keeper;
    private GatewayProcess gateway;
    private SshUser user;
    private Configuration config;

    @AfterEach
    void stopEverythingStarted() throws Exception {
        try {
            if (user != null) {
                user.close();
            }
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            if (keeper != null && keeper.isAlive()) {
                KeeperClient.ifRunning(config.gateway().stateDir())
                        .ifPresent(k -> {
                            try {
                                k.list().stream().filter(s -> s.pid() != 0).forEach(s -> Uml.killWithGroup(s.pid()));
                            } catch (IOException e) {
                                throw new AssertionError("the keeper did not list its guests for cleanup", e);
                            }
                        });
                keeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theGatewayUsesTheServiceKeeperSurvivesRestartsAndStopShutsGuestsDown() throws Exception {
        Uml.kernel();
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path etc = TestHost.writeConfig(dir, key, List.of(GUEST));
        config = new ConfigLoader(etc).load();
        List<String> fingerprints = new HostKeys(config.gateway().hostKeyDir()).ensure().stream()
                .map(HostKeys.HostKey::fingerprint).toList();
        user = SshUser.start(config.gateway().port(), key, fingerprints);

        keeper = startKeeper(etc);
        Await.until("the keeper to answer", TIMEOUT, () -> answers(), this::keeperLog);
        long keeperPid = keeper.pid();
        assertEquals(Optional.of(keeperPid), keeperPidFile(), "the keeper serves the configuration's state directory");

        gateway = GatewayProcess.start(etc, dir.resolve("gateway-1.out"), "--no-start-keeper");
        assertEquals(Optional.of(keeperPid), keeperPidFile(), "the gateway uses the service's keeper, starts none");
        SshUser.Result boot = user.run(GUEST, "boot");
        assertEquals(0, boot.status(), boot.toString());
        awaitStatus(GUEST + " running");
        long uml = kept().pid();

        gateway.terminate(Duration.ofSeconds(30)); // SIGTERM, as systemctl restart sends it
        gateway = GatewayProcess.start(etc, dir.resolve("gateway-2.out"), "--no-start-keeper");
        assertTrue(keeper.isAlive(), "the keeper outlives a restart of the gateway");
        assertEquals(uml, kept().pid(), "the guest's UML outlives a restart of the gateway");
        awaitStatus(GUEST + " running");

        YuconCommand.Result stop = YuconCommand.run(List.of("stop", "--etc", etc.toString()));
        assertEquals(0, stop.status(), stop.toString());
        assertTrue(stop.output().contains(GUEST + " is shutting down"), "graceful, not halted: " + stop);
        assertTrue(stop.output().contains("the console keeper stops"), stop.toString());
        assertTrue(keeper.waitFor(30, TimeUnit.SECONDS), "the keeper ends after yucon stop; " + keeperLog());
        assertFalse(ProcessHandle.of(uml).map(ProcessHandle::isAlive).orElse(false), "the guest's UML is gone");
        String log = Files.readString(ConsoleLogs.of(ConsoleLogs.dir(config.gateway().stateDir()), GUEST));
        assertTrue(log.contains("The system is going down NOW!") || log.contains("Sent SIGTERM to all processes"),
                "init ran its shutdown (ctrl-alt-del), the guest was not halted: ..." + log.substring(Math.max(0, log.length() - 2000)));
    }

    @Test
    void withoutTheServiceKeeperTheGatewayStartsNoneAndSaysSo() throws Exception {
        Path etc = TestHost.writeConfig(dir, KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), List.of(GUEST));
        config = new ConfigLoader(etc).load();
        YuconCommand.Result serve = YuconCommand.run(List.of("serve", "--etc", etc.toString(), "--no-start-keeper"));
        assertEquals(1, serve.status(), serve.toString());
        assertTrue(serve.output().contains("yucon: the gateway did not start: the console keeper did not answer at "
                + ConsoleKeeper.socket(config.gateway().stateDir())), serve.toString());
        assertTrue(serve.output().contains("journalctl -u yucon-keeper"), serve.toString());
        assertFalse(answers(), "no keeper was started");
        assertEquals(Optional.empty(), keeperPidFile());
    }

    private Process startKeeper(Path etc) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "org.yucon.cli.Yucon", "keeper", "--etc", etc.toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(dir.resolve("keeper.out").toFile())
                .redirectErrorStream(true)
                .start();
    }

    private boolean answers() {
        try {
            return KeeperClient.ifRunning(config.gateway().stateDir()).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private KeptStatus kept() throws IOException {
        return KeeperClient.ifRunning(config.gateway().stateDir()).orElseThrow().list().stream()
                .filter(s -> s.guest().equals(GUEST)).findFirst().orElseThrow();
    }

    private Optional<Long> keeperPidFile() {
        try {
            return Optional.of(KeeperClient.pid(config.gateway().stateDir()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void awaitStatus(String prefix) {
        SshUser.Result[] last = {null};
        Await.until("'" + prefix + "' from the status verb", TIMEOUT, () -> {
            try {
                last[0] = user.run(GUEST, "status");
                return last[0].status() == 0 && last[0].out().startsWith(prefix);
            } catch (IOException e) {
                return false;
            }
        }, () -> String.valueOf(last[0]));
    }

    private String keeperLog() {
        try {
            return Files.readString(dir.resolve("keeper.out"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
