package org.yucon.ssh;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.yucon.config.ConfigException;
import org.yucon.config.ConfigText;

/** Reads an OpenSSH authorized_keys file, naming file and line for anything it cannot use. */
public final class AuthorizedKeys {
    private AuthorizedKeys() {
    }

    public static List<PublicKey> read(Path file) throws ConfigException {
        List<String> lines = ConfigText.read(file).lines().toList();
        List<PublicKey> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (!line.isEmpty() && !line.startsWith("#")) {
                keys.add(parse(file, i + 1, line));
            }
        }
        return keys;
    }

    /** The SHA256 fingerprint of one authorized_keys line, or null when the line holds no usable key. */
    public static String fingerprint(String line) {
        try {
            return KeyUtils.getFingerPrint(parse(Path.of("-"), 0, line.trim()));
        } catch (ConfigException e) {
            return null;
        }
    }

    private static PublicKey parse(Path file, int lineNumber, String line) throws ConfigException {
        AuthorizedKeyEntry entry;
        try {
            entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, lineNumber, "not an authorized_keys line: " + e.getMessage());
        }
        if (entry == null) {
            throw new ConfigException(file, lineNumber, "not an authorized_keys line");
        }
        if (!entry.getLoginOptions().isEmpty()) {
            throw new ConfigException(file, lineNumber, "key options (" + String.join(",", entry.getLoginOptions().keySet())
                    + ") are not supported; remove them so that nobody believes they restrict this key");
        }
        try {
            return entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(file, lineNumber, "unsupported or damaged key: " + e.getMessage());
        }
    }
}
