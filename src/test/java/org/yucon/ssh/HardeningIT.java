package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.testing.OpenSsh;
import org.yucon.testing.TestHost;

/**
 * Everything SSH can do besides our menu, consoles and verbs is refused, with the real OpenSSH client, and a
 * legitimate login works right after each attempt. No guest is booted: none of this may need one.
 */
class HardeningIT {
    @TempDir
    static Path dir;
    private static TestHost host;
    private static OpenSsh client;
    /** A service on loopback that forwarding would reach if it were allowed; it must never see a connection. */
    private static ServerSocket target;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        host = TestHost.start(dir, "uml1");
        client = OpenSsh.forHost(host, dir);
        target = new ServerSocket();
        target.bind(new InetSocketAddress("127.0.0.1", 0));
        target.setSoTimeout(500);
    }

    @AfterAll
    static void stop() throws IOException {
        target.close();
        host.close();
    }

    @AfterEach
    void stillUsableAndUntouched() throws Exception {
        started.forEach(Process::destroyForcibly);
        OpenSsh.Result status = OpenSsh.run(client.ssh("uml1", List.of(), "status"), 30);
        assertEquals(0, status.status(), "a legitimate login right after: " + status.output());
        assertTrue(status.output().contains("uml1 off"), status.output());
        assertNoConnectionReachedTheTarget();
    }

    @Test
    void stdioForwardingIsRefused() throws Exception {
        OpenSsh.Result r = OpenSsh.run(client.ssh("uml1", List.of("-W", "127.0.0.1:" + target.getLocalPort())), 30);
        assertNotEquals(0, r.status(), "ssh -W must fail: " + r.output());
    }

    @Test
    void localForwardingIsRefused() throws Exception {
        int local = TestHost.freePort();
        background(client.ssh("uml1", List.of("-N", "-L", local + ":127.0.0.1:" + target.getLocalPort())));
        assertForwardedConnectionGoesNowhere(local, new byte[] {'h', 'i', '\n'});
    }

    @Test
    void dynamicForwardingIsRefused() throws Exception {
        int local = TestHost.freePort();
        background(client.ssh("uml1", List.of("-N", "-D", "127.0.0.1:" + local)));
        int port = target.getLocalPort();
        // SOCKS5: no authentication, then CONNECT 127.0.0.1:port.
        byte[] socks = {5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port};
        assertForwardedConnectionGoesNowhere(local, socks);
    }

    @Test
    void remoteForwardingIsRefused() throws Exception {
        OpenSsh.Result r = OpenSsh.run(client.ssh("uml1",
                List.of("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:" + target.getLocalPort())), 30);
        assertNotEquals(0, r.status(), "ssh -R must fail: " + r.output());
    }

    @Test
    void agentAndX11ForwardingAreIgnoredAndTheVerbStillWorks() throws Exception {
        OpenSsh.Result r = OpenSsh.run(client.ssh("uml1", List.of("-A", "-X", "-o", "ForwardX11Trusted=yes"), "status"), 30);
        assertEquals(0, r.status(), r.output());
    }

    @Test
    void sftpIsRefused() throws Exception {
        List<String> argv = new ArrayList<>(List.of("sftp", "-b", "/dev/null"));
        argv.addAll(client.options());
        argv.addAll(List.of("-P", String.valueOf(client.port()), "uml1@127.0.0.1"));
        OpenSsh.Result r = OpenSsh.run(argv, 30);
        assertNotEquals(0, r.status(), "sftp must fail: " + r.output());
    }

    @Test
    void scpIsRefusedInBothModes() throws Exception {
        Path file = Files.writeString(dir.resolve("payload"), "x");
        for (List<String> mode : List.of(List.of("-O"), List.<String>of())) {
            for (List<String> direction : List.of(List.of(file.toString(), "uml1@127.0.0.1:/tmp/yucon-scp"),
                    List.of("uml1@127.0.0.1:/etc/passwd", dir.resolve("passwd").toString()))) {
                List<String> argv = new ArrayList<>(List.of("scp"));
                argv.addAll(mode);
                argv.addAll(client.options());
                argv.addAll(List.of("-P", String.valueOf(client.port())));
                argv.addAll(direction);
                OpenSsh.Result r = OpenSsh.run(argv, 30);
                assertNotEquals(0, r.status(), "scp " + mode + " " + direction + " must fail: " + r.output());
            }
        }
        assertTrue(Files.notExists(Path.of("/tmp/yucon-scp")), "nothing was written on the host");
        assertTrue(Files.notExists(dir.resolve("passwd")), "nothing was read from the host");
    }

    @Test
    void aShellOrShellSyntaxIsNeverRun() throws Exception {
        for (String command : List.of("/bin/sh", "sh -c id", "boot; id", "status && id", "$(id)", "`id`")) {
            OpenSsh.Result r = OpenSsh.run(client.ssh("uml1", List.of(), command), 30);
            assertEquals(2, r.status(), command + ": " + r.output());
            assertTrue(!r.output().contains("uid="), command + " ran something: " + r.output());
        }
    }

    @Test
    void environmentOtherThanTerminalSettingsIsRefused() throws Exception {
        List<String> argv = client.ssh("uml1", List.of("-o", "SendEnv=LD_PRELOAD", "-o", "SendEnv=LANG"), "status");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("LD_PRELOAD", "/tmp/evil.so");
        pb.environment().put("LANG", "C.UTF-8");
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ssh with SendEnv finished");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        assertTrue(RestrictedChannelSession.allowed("LANG") && RestrictedChannelSession.allowed("LC_ALL")
                && RestrictedChannelSession.allowed("TERM") && !RestrictedChannelSession.allowed("LD_PRELOAD")
                && !RestrictedChannelSession.allowed("PATH"), "the filter's rule");
    }

    private void background(List<String> argv) throws IOException {
        started.add(new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }

    /**
     * Pushes a connection through the client's forwarding port and waits for it to end (closed, reset or silent).
     * Whether it went anywhere is what {@link #assertNoConnectionReachedTheTarget} checks after each test.
     */
    private static void assertForwardedConnectionGoesNowhere(int local, byte[] hello) throws Exception {
        try (Socket s = connectWithin(local, 10_000)) {
            s.setSoTimeout(3000);
            s.getOutputStream().write(hello);
            s.getInputStream().readNBytes(64);
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // Closed, reset or silent: the client found no way through.
        }
        assertNoConnectionReachedTheTarget();
    }

    private static Socket connectWithin(int port, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            try {
                return new Socket("127.0.0.1", port);
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("the ssh client never listened on " + port, e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void assertNoConnectionReachedTheTarget() throws IOException {
        try (Socket reached = target.accept()) {
            throw new AssertionError("forwarding reached the loopback target from " + reached.getRemoteSocketAddress());
        } catch (SocketTimeoutException e) {
            // As it must be.
        }
    }
}
