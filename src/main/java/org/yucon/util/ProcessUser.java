package org.yucon.util;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

/**
 * The user this process runs as: the only one the keeper serves and the gateway talks to over the keeper's socket
 * (the kernel names the process at the other end, SO_PEERCRED, whoever put the socket file there), and the one that
 * must own the directories whose contents yucon trusts.
 */
public final class ProcessUser {
    private final UserPrincipal self;

    private ProcessUser(UserPrincipal self) {
        this.self = self;
    }

    public static ProcessUser current() throws IOException {
        POSIX posix = POSIXFactory.getNativePOSIX();
        int uid = posix.geteuid();
        Passwd entry = posix.getpwuid(uid);
        String name = entry != null ? entry.getLoginName() : Integer.toString(uid);
        return new ProcessUser(FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name));
    }

    /** The user's name, or its number if it has none. */
    public String name() {
        return self.getName();
    }

    /** The owner of {@code path} if it is another user; empty for this one. */
    public Optional<UserPrincipal> otherOwner(Path path) throws IOException {
        return other(Files.getOwner(path));
    }

    /** The user at the other end of {@code channel} if it is another one; empty for this one. */
    public Optional<UserPrincipal> stranger(SocketChannel channel) throws IOException {
        return other(channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user());
    }

    private Optional<UserPrincipal> other(UserPrincipal user) {
        return user.equals(self) ? Optional.empty() : Optional.of(user);
    }
}
