package org.yucon.guest.mconsole;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketOptions;

/**
 * Stands in for a guest's mconsole socket: answers each command with the packets a test scripted for it.
 * Replies go to the sender's raw address, as the kernel's C code does: jnr's {@code receive} reads the
 * sender's path as a C string and so loses the abstract address the client is bound to.
 */
final class FakeGuest implements AutoCloseable {

    /** The two calls the fake needs, with the sender address kept as the raw sockaddr_un bytes. */
    public interface LibC {
        @ssize_t int recvfrom(int fd, @Out ByteBuffer buffer, @size_t long length, int flags,
                              @Out byte[] address, @In @Out IntByReference addressLength);

        @ssize_t int sendto(int fd, @In ByteBuffer buffer, @size_t long length, int flags,
                            @In byte[] address, int addressLength);
    }

    private static final int SOCKADDR_UN_SIZE = 110;

    private final LibC libc = LibraryLoader.create(LibC.class).load("c");
    private final UnixDatagramChannel channel;
    private final Function<String, List<ByteBuffer>> script;
    private final Thread server;
    private volatile boolean running = true;

    FakeGuest(Path socket, Function<String, List<ByteBuffer>> script) throws IOException {
        this.channel = UnixDatagramChannel.open();
        this.script = script;
        channel.bind(new UnixSocketAddress(socket.toString()));
        // Lets the server notice close() between requests; closing does not wake a blocked receive.
        channel.setOption(UnixSocketOptions.SO_RCVTIMEO, 50);
        server = new Thread(this::serve, "fake-mconsole");
        server.start();
    }

    /** One reply datagram as the kernel builds it: the length counts an appended NUL. */
    static ByteBuffer packet(int err, boolean more, byte[] text) {
        ByteBuffer packet = ByteBuffer.allocate(MconsoleProtocol.HEADER_SIZE + text.length + 1).order(ByteOrder.nativeOrder());
        packet.putInt(err).putInt(more ? 1 : 0).putInt(text.length + 1).put(text).put((byte) 0);
        return packet.flip();
    }

    static ByteBuffer packet(int err, boolean more, String text) {
        return packet(err, more, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        running = false;
        // Joining first, or the server could read from the next socket that reuses this descriptor.
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close();
    }

    private void serve() {
        ByteBuffer request = ByteBuffer.allocateDirect(MconsoleProtocol.PACKET_SIZE);
        byte[] client = new byte[SOCKADDR_UN_SIZE];
        while (running) {
            IntByReference clientLength = new IntByReference(client.length);
            int received = libc.recvfrom(channel.getFD(), request.clear(), request.capacity(), 0, client, clientLength);
            if (received > 0) {
                reply(command(request.limit(received)), client, clientLength.intValue());
            }
        }
    }

    /** Send failures are ignored, like the kernel does when a client went away before its reply. */
    private void reply(String command, byte[] client, int clientLength) {
        for (ByteBuffer packet : script.apply(command)) {
            ByteBuffer direct = ByteBuffer.allocateDirect(packet.remaining()).put(packet.duplicate()).flip();
            libc.sendto(channel.getFD(), direct, direct.remaining(), 0, client, clientLength);
        }
    }

    private static String command(ByteBuffer request) {
        ByteBuffer in = request.order(ByteOrder.nativeOrder());
        if (in.remaining() != MconsoleProtocol.PACKET_SIZE || in.getInt() != MconsoleProtocol.MAGIC
                || in.getInt() != MconsoleProtocol.VERSION) {
            return "<malformed request>";
        }
        byte[] data = new byte[in.getInt()];
        in.get(data);
        return new String(data, StandardCharsets.UTF_8);
    }
}
