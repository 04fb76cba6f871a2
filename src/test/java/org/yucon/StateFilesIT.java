package org.yucon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jnr.constants.platform.Signal;
import jnr.posix.POSIXFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.config.ConfigLoader;
import org.yucon.config.Configuration;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestSupervisor;
import org.yucon.keeper.KeeperClient;
import org.yucon.testing.Await;
import org.yucon.testing.OtherUser;
import org.yucon.testing.RawConsole;
import org.yucon.testing.SshUser;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * What a real gateway leaves in its state directory (console log and events, audit log, keeper files, UML's own) and
 * its host keys are its user's only; and a gateway whose state or accounts directory others could write, or another
 * user owns, does not start, and says why in one sentence.
 */
class StateFilesIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(40);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.complementOf(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));

    @TempDir
    Path dir;

    @Test
    void afterABootAndALoginNothingInStateIsOpenToOthers() throws Exception {
        try (TestHost host = TestHost.start(dir, "uml1"); SshUser ssh = SshUser.of(host)) {
            GuestSupervisor guest = host.guest("uml1");
            assertEquals(0, ssh.run("uml1", "boot").status());
            Await.until("uml1 to run", BOOT_TIMEOUT, () -> guest.status().state() == GuestState.RUNNING, () -> guest.status().toString());
            try (RawConsole console = ssh.console("uml1", 80, 24)) {
                console.awaitText("login:", 0, BOOT_TIMEOUT);
                console.detach(TIMEOUT);
            }
            Path state = host.config().gateway().stateDir();
            Await.until("the console's events and the audit log", TIMEOUT,
                    () -> Files.exists(state.resolve("logs/uml1.events")) && Files.exists(state.resolve("audit.log")), () -> "");

            List<String> all = new ArrayList<>();
            List<String> offenders = new ArrayList<>();
            for (Path top : List.of(state, host.config().gateway().hostKeyDir())) {
                try (Stream<Path> tree = Files.walk(top)) {
                    for (Path path : tree.toList()) {
                        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
                        all.add(mode + " " + dir.relativize(path));
                        if (Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                            offenders.add(mode + " " + dir.relativize(path));
                        }
                    }
                }
            }
            System.out.println(all.size() + " files and directories, " + offenders.size() + " open to others:\n  "
                    + String.join("\n  ", offenders));
            assertTrue(all.size() > 10 && all.stream().anyMatch(p -> p.endsWith("uml1.log")), String.join("\n", all));
            assertEquals(List.of(), offenders, "open to the group or others");
        }
    }

    @Test
    void aStateDirectoryOthersMayWriteIsRefused() throws Exception {
        Configuration config = configure();
        Path state = Files.createDirectories(config.gateway().stateDir());
        for (String mode : List.of("rwxrwx---", "rwxrwxrwx", "rwx----w-")) {
            Files.setPosixFilePermissions(state, PosixFilePermissions.fromString(mode));
            assertEquals(state + " may be written by others (" + mode + "), who could replace what yucon keeps there;"
                    + " run chmod go-w " + state, refusal(config));
        }
    }

    @Test
    void aStateDirectoryOfAnotherUserIsRefused() throws Exception {
        Configuration config = configure();
        Path state = Files.createDirectories(config.gateway().stateDir());
        Files.setOwner(state, state.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OtherUser.USER));
        String me = System.getProperty("user.name");
        assertEquals(state + " belongs to " + OtherUser.USER + ", not to " + me + ", the user yucon runs as; run chown "
                + me + " " + state + ", or run yucon as " + OtherUser.USER, refusal(config));
    }

    @Test
    void anAccountsDirectoryOthersMayWriteIsRefused() throws Exception {
        Configuration config = configure();
        Path accounts = config.etc().resolve("accounts");
        Files.setPosixFilePermissions(accounts, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertEquals(accounts + " may be written by others (rwxrwxr-x), who could replace what yucon keeps there;"
                + " run chmod go-w " + accounts, refusal(config));
    }

    /** {@code yucon serve} says it in one line on its way out, with status 1 and no stack trace. */
    @Test
    void serveSaysWhyInOneSentence() throws Exception {
        Configuration config = configure();
        Path state = Files.createDirectories(config.gateway().stateDir());
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process serve = new ProcessBuilder(java, "-Dyucon.cache=" + Uml.cacheDir(), "-cp", System.getProperty("java.class.path"),
                "org.yucon.cli.Yucon", "serve", "--etc", config.etc().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("serve.out").toFile()).start();
        try {
            assertTrue(serve.waitFor(TIMEOUT.toSeconds() * 4, TimeUnit.SECONDS), "yucon serve did not end");
            String output = Files.readString(dir.resolve("serve.out"), StandardCharsets.UTF_8);
            System.out.println("yucon serve: " + output.strip());
            assertEquals(1, serve.exitValue(), output);
            assertTrue(output.strip().endsWith("yucon: the gateway did not start: " + state + " may be written by others"
                    + " (rwxrwxrwx), who could replace what yucon keeps there; run chmod go-w " + state), output);
            assertFalse(output.contains("\tat "), "a stack trace: " + output);
        } finally {
            serve.destroyForcibly();
            killKeeper(config);
        }
    }

    private Configuration configure() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        return new ConfigLoader(TestHost.writeConfig(dir, key, List.of("uml1"))).load();
    }

    /** The sentence the gateway refuses to start with; fails if it starts. */
    private static String refusal(Configuration config) throws IOException {
        Optional<String> refused = Optional.empty();
        try (Gateway gateway = Gateway.start(config, Uml.kernel().binary())) {
            gateway.guests();
        } catch (IOException e) {
            refused = Optional.of(e.getMessage());
        } finally {
            killKeeper(config);
        }
        return refused.orElseThrow(() -> new AssertionError("the gateway started on " + config.gateway().stateDir()));
    }

    private static void killKeeper(Configuration config) throws IOException {
        Path state = config.gateway().stateDir();
        if (Files.exists(state.resolve("keeper.pid"))) {
            POSIXFactory.getNativePOSIX().kill((int) KeeperClient.pid(state), Signal.SIGKILL.intValue());
            Files.delete(state.resolve("keeper.pid"));
        }
    }
}
