package org.yucon.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.yucon.util.PrivateFiles;

/**
 * Writes the demo's configuration once: guests uml1 and uml2 on one shared root image (a sparse COW file each),
 * accounts uml1, uml2 and admin with password "demo" and the invoking user's ~/.ssh/*.pub keys.
 */
final class DemoSetup {
    static final String PASSWORD = "demo";
    static final List<String> GUESTS = List.of("uml1", "uml2");

    private final Path stateDir;

    DemoSetup(Path stateDir) {
        this.stateDir = stateDir.toAbsolutePath();
    }

    Path etc() {
        return stateDir.resolve("etc");
    }

    /** Writes what is missing; an existing demo configuration is left as the user may have edited it. */
    void write(Path image, Path hostKeys, int port) throws IOException {
        Path etc = etc();
        if (Files.exists(etc.resolve("yucon.toml"))) {
            return;
        }
        Files.createDirectories(etc.resolve("guests"));
        PrivateFiles.directories(etc.resolve("accounts"));
        Files.writeString(etc.resolve("yucon.toml"), String.join("\n",
                "# The demo gateway, written by `yucon demo`. Edit freely; it is not overwritten.",
                "[ssh]",
                "listen = \"127.0.0.1\"",
                "port = " + port,
                "host_keys = " + quote(hostKeys),
                "",
                "[paths]",
                "state = " + quote(stateDir.resolve("run")),
                "",
                "[console]",
                "ring = \"1M\"",
                "replay = \"16K\"",
                "escape = \"^A\"",
                "",
                "[web]",
                "listen = \"127.0.0.1\"",
                "port = 8443",
                "host_names = [\"localhost\", \"127.0.0.1\"]",
                ""));
        for (String guest : GUESTS) {
            Files.writeString(etc.resolve("guests").resolve(guest + ".toml"), String.join("\n",
                    "memory = \"128M\"",
                    "shutdown_timeout = \"15s\"",
                    "",
                    "[[disk]]",
                    "image = " + quote(image),
                    "cow = " + quote(stateDir.resolve("run").resolve("cow").resolve(guest + ".cow")),
                    ""));
            writeAccount(etc, guest, "guests = [\"" + guest + "\"]");
        }
        writeAccount(etc, "admin", "admin = true");
    }

    private void writeAccount(Path etc, String name, String grant) throws IOException {
        String hash = Sha2Crypt.sha512Crypt(PASSWORD.getBytes(StandardCharsets.UTF_8));
        PrivateFiles.write(etc.resolve("accounts").resolve(name + ".toml"),
                ("password = \"" + hash + "\"\n" + grant + "\n").getBytes(StandardCharsets.UTF_8));
        List<String> keys = userKeys();
        if (!keys.isEmpty()) {
            PrivateFiles.write(etc.resolve("accounts").resolve(name + ".keys"),
                    (String.join("\n", keys) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The invoking user's public keys, so that `ssh -l uml1` works without a password. */
    private static List<String> userKeys() throws IOException {
        Path dir = Path.of(System.getProperty("user.home"), ".ssh");
        List<String> keys = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return keys;
        }
        try (DirectoryStream<Path> pubs = Files.newDirectoryStream(dir, "*.pub")) {
            for (Path pub : pubs) {
                Files.readAllLines(pub).stream().map(String::trim).filter(l -> l.startsWith("ssh-") || l.startsWith("ecdsa-")).forEach(keys::add);
            }
        }
        return keys;
    }

    private static String quote(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
