package org.yucon.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import jnr.constants.platform.Signal;
import jnr.posix.POSIXFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.Gateway;
import org.yucon.config.ConfigLoader;
import org.yucon.config.Configuration;
import org.yucon.testing.Closing;
import org.yucon.testing.OtherUser;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * The keeper's socket and the user at its other end: the keeper serves only its own user and the gateway talks only
 * to a keeper of its own user, as the kernel names them (SO_PEERCRED), whatever the socket's file mode says. The
 * other user is {@value OtherUser#USER}, running a small program; the keepers the tests start are killed by pid.
 */
class KeeperPeerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final int RING = 1 << 16;

    /** Connects to argv[1], asks "list" after the greeting argv[2], and says what came back. */
    private static final String CLIENT = String.join("\n",
            "import socket, struct, sys",
            "def utf(text):",
            "    b = text.encode()",
            "    return struct.pack('>H', len(b)) + b",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "try:",
            "    s.connect(sys.argv[1])",
            "except OSError as e:",
            "    print('cannot connect:', e)",
            "    sys.exit()",
            "s.settimeout(5)",
            "reply = b''",
            "try:",
            "    s.sendall(utf(sys.argv[2]) + utf('list'))",
            "    for chunk in iter(lambda: s.recv(4096), b''):",
            "        reply += chunk",
            "except OSError as e:",
            "    print('the connection failed:', e)",
            "print('answered with', len(reply), 'bytes')");

    /** A keeper of its own at argv[1]: says what each connection sent and answers "list" with no guests. */
    private static final String FAKE_KEEPER = String.join("\n",
            "import socket, struct, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "s.bind(sys.argv[1])",
            "s.listen(8)",
            "print('listening', flush=True)",
            "while True:",
            "    c, _ = s.accept()",
            "    c.settimeout(2)",
            "    data = b''",
            "    try:",
            "        for chunk in iter(lambda: c.recv(4096), b''):",
            "            data += chunk",
            "            c.settimeout(0.2)",
            "    except OSError:",
            "        pass",
            "    print('connection sent', len(data), 'bytes', data, flush=True)",
            "    if data.endswith(b'list'):",
            "        c.sendall(struct.pack('>i', 0))",
            "    c.close()");

    @TempDir
    Path dir;
    private Path state;
    private OtherUser other;

    @AfterEach
    void stopKeeper() throws Exception {
        try {
            Closing.all(other);
        } finally {
            if (state != null && Files.exists(ConsoleKeeper.pidFile(state))) {
                POSIXFactory.getNativePOSIX().kill((int) KeeperClient.pid(state), Signal.SIGKILL.intValue());
            }
        }
    }

    @Test
    void theSocketIsInADirectoryOnlyTheKeepersUserMayEnter() throws Exception {
        state = dir.resolve("state");
        KeeperClient.connectOrStart(state, RING);

        Path socketDir = ConsoleKeeper.socket(state).getParent();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socketDir)), socketDir.toString());
        assertEquals(Files.getOwner(state), Files.getOwner(socketDir), socketDir.toString());
        try (OtherUser client = OtherUser.run(CLIENT, ConsoleKeeper.socket(state).toString(), KeeperProtocol.GREETING)) {
            String said = client.awaitExit(TIMEOUT);
            assertTrue(said.contains("cannot connect: [Errno 13] Permission denied"), said);
        }
    }

    /**
     * Every directory on the way and the socket itself are opened to all, as a mistake or the moment between bind and
     * chmod would: the keeper still answers nothing to another user.
     */
    @Test
    void theKeeperAnswersNoOtherUserEvenThroughAnOpenSocket() throws Exception {
        state = dir.resolve("state");
        KeeperClient keeper = KeeperClient.connectOrStart(state, RING);
        Path socket = ConsoleKeeper.socket(state);
        for (Path d = socket.getParent(); d.startsWith(dir); d = d.getParent()) {
            permit(d, PosixFilePermission.OTHERS_EXECUTE);
        }
        permit(socket, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

        try (OtherUser client = OtherUser.run(CLIENT, socket.toString(), KeeperProtocol.GREETING)) {
            String said = client.awaitExit(TIMEOUT);
            System.out.println("a client run as " + OtherUser.USER + ": " + said.strip());
            assertTrue(said.contains("answered with 0 bytes"), "the keeper answered another user: " + said);
        }
        assertEquals(List.of(), keeper.list(), "the keeper still serves its own user");
    }

    /** Another user's listener, its socket moved to where the keeper's belongs: the gateway will not start on it. */
    @Test
    void theGatewayRefusesAKeeperOfAnotherUser() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Configuration config = new ConfigLoader(TestHost.writeConfig(dir, key, List.of())).load();
        state = config.gateway().stateDir();
        Path theirs = Files.createDirectories(dir.resolve("theirs"));
        permit(dir, PosixFilePermission.OTHERS_EXECUTE);
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OtherUser.USER);
        Files.setOwner(theirs, nobody);
        other = OtherUser.run(FAKE_KEEPER, theirs.resolve("keeper.sock").toString());
        other.awaitOutput("listening", TIMEOUT);
        Path socket = ConsoleKeeper.socket(state);
        Files.createDirectories(socket.getParent());
        Files.move(theirs.resolve("keeper.sock"), socket);

        IOException refused = assertThrows(IOException.class, () -> startGateway(config),
                () -> "the gateway started on a keeper socket served by " + OtherUser.USER + ", which heard: " + other.output());
        System.out.println("the gateway: " + refused.getMessage() + "; the fake keeper: " + other.output().strip());
        assertEquals("the console keeper's socket " + socket + " is served by " + OtherUser.USER + ", not by "
                + System.getProperty("user.name") + ": another user put it there; remove it, and see who may write to "
                + socket.getParent(), refused.getMessage());
        assertFalse(other.output().contains(KeeperProtocol.GREETING), "the gateway spoke to the other user's keeper: " + other.output());
    }

    private static void startGateway(Configuration config) throws IOException {
        try (Gateway gateway = Gateway.start(config, Uml.kernel().binary())) {
            gateway.guests();
        }
    }

    private static void permit(Path path, PosixFilePermission... more) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
        permissions.addAll(List.of(more));
        Files.setPosixFilePermissions(path, permissions);
    }
}
