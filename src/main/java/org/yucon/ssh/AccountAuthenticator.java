package org.yucon.ssh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.time.Instant;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.AccountConfig;
import org.yucon.config.ConfigException;
import org.yucon.config.AccountBook;
import org.yucon.auth.LoginGuard;
import org.yucon.auth.PasswordCheck;

/**
 * Password and public-key authentication against the accounts of the configuration. Passwords go through the
 * {@link PasswordCheck} that the web page shares (throttle, hashing pool, failure delay). Keys are read at each
 * attempt, so a changed keys file counts for the next login; a key for an unknown login costs the same reading of a
 * keys file as a known one's.
 */
final class AccountAuthenticator implements PasswordAuthenticator, PublickeyAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(AccountAuthenticator.class);

    private final AccountBook accounts;
    /** Keys the hash that picks an unknown login's decoy keys file; filled once, in the constructor. */
    private final byte[] decoySecret = new byte[32];
    private final PasswordCheck passwords;
    private final AuditLog audit;

    AccountAuthenticator(AccountBook accounts, PasswordCheck passwords, AuditLog audit) {
        this.accounts = accounts;
        new SecureRandom().nextBytes(decoySecret);
        this.passwords = passwords;
        this.audit = audit;
    }

    @Override
    public boolean authenticate(String username, String password, ServerSession session) {
        AsyncAuthException answer = new AsyncAuthException();
        passwords.check(new PasswordCheck.Attempt(AuditLog.Channel.SSH, username,
                        String.valueOf(session.getClientAddress()), LoginGuard.source(session.getClientAddress()),
                        session::isOpen),
                password, account -> answer.setAuthed(account.isPresent()));
        throw answer;
    }

    /**
     * A login without keys of its own, unknown or with a password only, reads a decoy instead and is refused whatever
     * it holds: an account's keys file, picked by a hash of the login name that nobody outside knows, so that reading
     * and comparing take what they take for a login that has keys, and no made-up name can be aimed at the same file
     * as a real one's.
     */
    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        Optional<Path> own = accounts.account(username).flatMap(AccountConfig::authorizedKeys);
        boolean listed = own.or(() -> decoyKeys(username)).map(file -> listed(file, key)).orElse(false);
        boolean ok = own.isPresent() && listed && !passwords.guard().refused(LoginGuard.source(session.getClientAddress()), Instant.now());
        log.debug("public key {} for {} from {}: {}", KeyUtils.getFingerPrint(key), username, session.getClientAddress(),
                ok ? "accepted" : "refused");
        if (ok) {
            audit.record(username, String.valueOf(session.getClientAddress()), "publickey-auth", "", "accepted " + KeyUtils.getFingerPrint(key));
        }
        return ok;
    }

    private Optional<Path> decoyKeys(String login) {
        List<Path> files = accounts.keyFiles();
        if (files.isEmpty()) {
            return Optional.empty();
        }
        MessageDigest sha256 = sha256();
        sha256.update(decoySecret);
        int hash = ByteBuffer.wrap(sha256.digest(login.getBytes(StandardCharsets.UTF_8))).getInt();
        return Optional.of(files.get(Math.floorMod(hash, files.size())));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static boolean listed(Path keysFile, PublicKey key) {
        try {
            List<PublicKey> keys = AuthorizedKeys.read(keysFile);
            return keys.stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
        } catch (ConfigException e) {
            log.warn("keys unusable: {}", e.getMessage());
            return false;
        }
    }
}
