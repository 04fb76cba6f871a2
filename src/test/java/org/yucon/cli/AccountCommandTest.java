package org.yucon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.KeyPair;
import java.util.List;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yucon.config.AccountConfig;
import org.yucon.config.ConfigLoader;
import picocli.CommandLine;

/** The account commands edit real files and leave a configuration that loads; a bad change is undone. */
class AccountCommandTest {
    private static final String HASH = Sha2Crypt.sha512Crypt("secret".getBytes(StandardCharsets.UTF_8));
    @TempDir
    Path root;
    private Path etc;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void etc() throws Exception {
        etc = root.resolve("etc");
        Files.createDirectories(etc.resolve("guests"));
        Files.writeString(etc.resolve("yucon.toml"), "");
        for (String guest : List.of("uml1", "uml2")) {
            Files.writeString(etc.resolve("guests").resolve(guest + ".toml"), "[[disk]]\nimage = \"root.img\"\n");
        }
    }

    @Test
    void addGrantRevokePasswdRemove() throws Exception {
        assertEquals(0, run("secret\n", "add", "frank", "--guest", "uml1", "--password-stdin"));
        AccountConfig frank = account("frank");
        assertEquals(java.util.Set.of("uml1"), frank.guests());
        String hash = frank.passwordHash().orElseThrow();
        assertEquals(hash, Sha2Crypt.sha512Crypt("secret".getBytes(StandardCharsets.UTF_8), hash), "the hash is of the typed password");

        assertEquals(0, run("", "grant", "frank", "uml2"));
        assertEquals(java.util.Set.of("uml1", "uml2"), account("frank").guests());
        assertEquals(0, run("", "revoke", "frank", "uml1"));
        assertEquals(java.util.Set.of("uml2"), account("frank").guests());

        assertEquals(0, run("other\n", "passwd", "frank", "--password-stdin"));
        String changed = account("frank").passwordHash().orElseThrow();
        assertEquals(changed, Sha2Crypt.sha512Crypt("other".getBytes(StandardCharsets.UTF_8), changed));

        assertEquals(0, run("", "remove", "frank"));
        assertTrue(new ConfigLoader(etc).load().account("frank").isEmpty());
    }

    @Test
    void keysAreAddedAndRemovedByFingerprint() throws Exception {
        KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path pub = Files.writeString(root.resolve("id.pub"), PublicKeyEntry.toString(pair.getPublic()) + " frank@laptop\n");
        assertEquals(0, run("", "add", "frank", "--admin", "--no-password", "--key", pub.toString()));
        assertTrue(account("frank").admin());
        assertTrue(account("frank").authorizedKeys().isPresent());

        assertEquals(0, run("", "key-remove", "frank", KeyUtils.getFingerPrint(pair.getPublic())), err.toString(StandardCharsets.UTF_8));
        assertEquals("", Files.readString(etc.resolve("accounts/frank.keys")).strip());
    }

    @Test
    void aChangeThatWouldNotLoadIsUndoneAndNamed() throws Exception {
        assertEquals(0, run("secret\n", "add", "frank", "--password-stdin"));
        String before = Files.readString(etc.resolve("accounts/frank.toml"));

        assertEquals(1, run("", "grant", "frank", "nosuch"), err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not changed:") && err.toString(StandardCharsets.UTF_8).contains("nosuch"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(before, Files.readString(etc.resolve("accounts/frank.toml")), "the file is as it was");
    }

    /** The surefire JVM's umask is 022: the modes are yucon's own. */
    @Test
    void accountFilesAreTheirOwnersOnly() throws Exception {
        KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path pub = Files.writeString(root.resolve("id.pub"), PublicKeyEntry.toString(pair.getPublic()) + " frank@laptop\n");
        assertEquals(0, run("secret\n", "add", "frank", "--guest", "uml1", "--password-stdin"));
        assertEquals(0, run("", "key-add", "frank", pub.toString()), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, run("other\n", "passwd", "frank", "--password-stdin"));

        assertEquals("rwx------", mode(etc.resolve("accounts")));
        assertEquals("rw-------", mode(etc.resolve("accounts/frank.toml")));
        assertEquals("rw-------", mode(etc.resolve("accounts/frank.keys")));
    }

    /** Run as root for a gateway of another user, the files are that user's, as their directory is, or it could not read them. */
    @Test
    void accountFilesBelongToTheOwnerOfTheirDirectory() throws Exception {
        UserPrincipal nobody = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(Files.createDirectories(etc.resolve("accounts")), nobody);
        assertEquals(0, run("secret\n", "add", "frank", "--guest", "uml1", "--password-stdin"));
        assertEquals(0, run("", "grant", "frank", "uml2"));

        assertEquals(nobody, Files.getOwner(etc.resolve("accounts/frank.toml")));
        assertEquals("rw-------", mode(etc.resolve("accounts/frank.toml")));
    }

    @Test
    void refusals() throws Exception {
        assertEquals(1, run("", "add", "Frank!", "--no-password", "--key", "x"));
        assertEquals(1, run("", "add", "frank", "--no-password"));
        assertEquals(1, run("", "passwd", "nobody", "--password-stdin"));
        assertFalse(Files.exists(etc.resolve("accounts/frank.toml")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"uml1\"\nadmin = true", "uml2\"]\nadmin = true\n#", "uml2\\\"]\nadmin = true #",
            "uml2\", \"uml1\"]\nadmin = true\nescape = \"^B", "UML2", "../uml2", "uml2 "})
    void aGuestThatIsNotAGuestNameIsRefusedAndNothingIsWritten(String guest) throws Exception {
        // As an operator (or TestHost) writes it: no admin line that a smuggled one would clash with.
        Files.createDirectories(etc.resolve("accounts"));
        Path frank = Files.writeString(etc.resolve("accounts/frank.toml"),
                "password = \"" + HASH + "\"\nguests = [\"uml1\"]\n");
        String before = Files.readString(frank);

        assertEquals(1, run("", "grant", "frank", guest));
        assertEquals(1, run("", "revoke", "frank", guest));
        assertEquals(1, run("secret\n", "add", "gina", "--guest", guest, "--password-stdin"));

        String said = err.toString(StandardCharsets.UTF_8);
        String refusal = "is not a guest name: lower-case letters, digits, '-' or '_' (at most 32), starting with a letter";
        assertEquals(3, said.lines().filter(line -> line.endsWith(refusal)).count(), said);
        assertEquals(before, Files.readString(frank), "frank's file is as it was");
        assertFalse(account("frank").admin());
        assertFalse(Files.exists(etc.resolve("accounts/gina.toml")));
    }

    @Test
    void anAccountNameThatIsNotANameIsRefusedWithOneSentence() {
        assertEquals(1, run("", "grant", "frank\nadmin = true", "uml1"));
        assertEquals("yucon: \"frank\\nadmin = true\" is not an account name: lower-case letters, digits, '-' or '_'"
                + " (at most 32), starting with a letter\n", err.toString(StandardCharsets.UTF_8));
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private AccountConfig account(String name) throws Exception {
        return new ConfigLoader(etc).load().account(name).orElseThrow();
    }

    private int run(String stdin, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            String[] all = new String[args.length + 2];
            all[0] = "account";
            all[1] = args[0];
            all[2] = "--etc=" + etc;
            System.arraycopy(args, 1, all, 3, args.length - 1);
            CommandLine cli = Yucon.commandLine();
            cli.setErr(new PrintWriter(err, true));
            return cli.execute(all);
        } finally {
            System.setIn(saved);
        }
    }
}
