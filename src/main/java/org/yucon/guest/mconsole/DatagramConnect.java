package org.yucon.guest.mconsole;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import jnr.constants.platform.AddressFamily;
import jnr.constants.platform.Errno;
import jnr.constants.platform.SocketLevel;
import jnr.constants.platform.SocketOption;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;

/**
 * connect(2) for a Unix datagram socket, which jnr-unixsocket lacks: its {@code connect} only remembers the address.
 * A connected socket receives from its peer only; the kernel refuses anybody else's datagrams at the sender (EPERM),
 * so no other local user can slip a reply in.
 */
final class DatagramConnect {

    /** The two libc calls, with the address as the raw sockaddr_un bytes. */
    public interface LibC {
        int setsockopt(int fd, int level, int option, @In int[] value, int length);

        int connect(int fd, @In byte[] address, int length);
    }

    /** Loaded once: each load generates a class. Immutable, shared by every client. */
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    private DatagramConnect() {
    }

    /**
     * Connects the socket {@code fd} to {@code socket}. With SO_PASSCRED, connect(2) also binds it to a fresh
     * abstract address in the same step: the guest answers to the sender's address (an unbound socket has none),
     * and a socket bound first could take anybody's datagrams until it is connected.
     *
     * @throws IOException with the system's text, e.g. "Connection refused" when nobody is bound to the socket
     */
    static void connect(int fd, Path socket) throws IOException {
        check(LIBC.setsockopt(fd, SocketLevel.SOL_SOCKET.intValue(), SocketOption.SO_PASSCRED.intValue(), new int[] {1},
                Integer.BYTES));
        byte[] address = address(socket);
        check(LIBC.connect(fd, address, address.length));
    }

    /** struct sockaddr_un: the family in host byte order, then the path and its NUL. */
    private static byte[] address(Path socket) {
        byte[] path = socket.toString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Short.BYTES + path.length + 1).order(ByteOrder.nativeOrder())
                .putShort((short) AddressFamily.AF_UNIX.intValue())
                .put(path)
                .array();
    }

    private static void check(int result) throws IOException {
        if (result < 0) {
            throw new IOException(Errno.valueOf(LastError.getLastError(Runtime.getRuntime(LIBC))).description());
        }
    }
}
