package org.yucon.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/** The OpenSSH client (ssh, scp, sftp) pointed at a test gateway, reading no user configuration. */
public final class OpenSsh {
    /** What a finished command left: its exit status and everything it printed. */
    public record Result(int status, String output) {
    }

    private final Path key;
    private final int port;

    private OpenSsh(Path key, int port) {
        this.key = key;
        this.port = port;
    }

    /** Writes the client key (OpenSSH format, 0600 from the start: ssh ignores a key others may read). */
    public static OpenSsh forHost(TestHost host, Path dir) throws IOException, GeneralSecurityException {
        return new OpenSsh(writeKey(host.userKey(), dir.resolve("id_ed25519")), host.port());
    }

    public Path key() {
        return key;
    }

    /** Options every client here needs: no user config, trust the test host key, never prompt, key only. */
    public List<String> options() {
        return new ArrayList<>(List.of("-F", "/dev/null",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
                "-i", key.toString()));
    }

    /** {@code ssh [options] [extraOptions] -p PORT -l LOGIN 127.0.0.1 [command...]}. */
    public List<String> ssh(String login, List<String> extraOptions, String... command) {
        List<String> argv = new ArrayList<>(List.of("ssh"));
        argv.addAll(options());
        argv.addAll(extraOptions);
        argv.addAll(List.of("-p", String.valueOf(port), "-l", login, "127.0.0.1"));
        argv.addAll(Arrays.asList(command));
        return argv;
    }

    public int port() {
        return port;
    }

    /** Runs a client to its end (at most {@code seconds}), stdin empty, output and errors together. */
    public static Result run(List<String> argv, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new AssertionError(String.join(" ", argv) + " still runs after " + seconds + " s");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    private static Path writeKey(KeyPair pair, Path file) throws IOException, GeneralSecurityException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "test", null, out);
        }
        return file;
    }
}
