package org.yucon.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.yucon.util.PrivateFiles;

/**
 * The gateway's host keys, OpenSSH style: {@code ssh_host_ed25519_key} and {@code ssh_host_rsa_key} (3072 bits),
 * generated once with mode 0600 and refused afterwards if anybody but the owner can read them.
 */
public final class HostKeys {
    /** A key the gateway presents: its file and its SHA256 fingerprint, as {@code ssh-keygen -l} prints it. */
    public record HostKey(Path file, String type, String fingerprint) {
    }

    private final Path dir;

    public HostKeys(Path dir) {
        this.dir = dir;
    }

    /** Generates what is missing, checks permissions, and returns the keys with their fingerprints. */
    public List<HostKey> ensure() throws IOException {
        PrivateFiles.directories(dir);
        List<HostKey> keys = new ArrayList<>();
        keys.add(ensure("ed25519", KeyPairProvider.SSH_ED25519, 256));
        keys.add(ensure("rsa", KeyPairProvider.SSH_RSA, 3072));
        return keys;
    }

    public KeyPairProvider provider(List<HostKey> keys) {
        List<Path> files = new ArrayList<>();
        keys.forEach(k -> files.add(k.file()));
        return new FileKeyPairProvider(files);
    }

    private HostKey ensure(String name, String type, int bits) throws IOException {
        Path file = dir.resolve("ssh_host_" + name + "_key");
        if (!Files.exists(file)) {
            generate(file, type, bits);
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!PrivateFiles.FILE.containsAll(perms)) {
            throw new IOException("host key " + file + " can be read by others (" + PosixFilePermissions.toString(perms)
                    + "); run chmod 600 " + file);
        }
        Path pub = file.resolveSibling(file.getFileName() + ".pub");
        String line = Files.readString(pub).trim();
        try {
            return new HostKey(file, type, KeyUtils.getFingerPrint(PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, null, null)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("host key " + pub + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void generate(Path file, String type, int bits) throws IOException {
        KeyPair pair;
        try {
            pair = KeyUtils.generateKeyPair(type, bits);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate a " + type + " host key: " + e.getMessage(), e);
        }
        Path tmp = Files.createTempFile(file.getParent(), ".new-", "", PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "yucon host key", null, out);
        } catch (GeneralSecurityException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot write host key " + file + ": " + e.getMessage(), e);
        }
        PrivateFiles.write(file.resolveSibling(file.getFileName() + ".pub"),
                (PublicKeyEntry.toString(pair.getPublic()) + " yucon\n").getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, file);
    }
}
