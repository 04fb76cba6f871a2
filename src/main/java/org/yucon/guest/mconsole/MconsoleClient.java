package org.yucon.guest.mconsole;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketOptions;

import org.yucon.guest.mconsole.MconsoleProtocol.Packet;

/**
 * A client for one guest's management console, a Unix datagram socket (usually {@code <uml_dir>/<umid>/mconsole}).
 * Commands are sent one at a time, each from a socket of its own connected to the guest's; a caller waits while
 * another caller's command is under way.
 */
public final class MconsoleClient implements AutoCloseable {

    /** Bounds what a misbehaving guest can make us buffer; {@code proc meminfo} is about 1.2 KB. */
    static final int MAX_REPLY_BYTES = 1 << 20;

    /** jnr-unixsocket reports only strerror's text, in the C locale unless the JVM's locale translates it. */
    private static final String CONNECTION_REFUSED = "Connection refused";

    /** sun_path holds 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;

    private final Path socket;
    private final UnixSocketAddress guest;
    private final int timeoutMillis;
    // Guarded by this, as is every socket a command opens.
    private final ByteBuffer datagram = ByteBuffer.allocate(MconsoleProtocol.PACKET_SIZE);
    private boolean closed;

    /**
     * @param socket  the guest's mconsole socket
     * @param timeout how long to wait for each packet of a reply
     */
    public MconsoleClient(Path socket, Duration timeout) {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("mconsole socket path is longer than " + MAX_SOCKET_PATH_BYTES + " bytes: " + socket);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("mconsole timeout must be positive: " + timeout);
        }
        this.socket = socket;
        this.guest = new UnixSocketAddress(socket.toString());
        this.timeoutMillis = (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE);
    }

    /**
     * Sends one command, e.g. "version", "proc loadavg", "config con0", "sysrq s", "cad", "halt", and waits for its reply.
     *
     * @throws MconsoleException        if the command was not sent or no complete reply came back
     * @throws IllegalArgumentException if the command is too long for the protocol or holds a NUL
     */
    public synchronized MconsoleReply send(String command) throws MconsoleException {
        ByteBuffer request = MconsoleProtocol.encodeRequest(command);
        if (closed) {
            throw failure(command, "was not sent: the client is closed", null);
        }
        // A socket per command: late packets of an earlier reply never pass for this one's, and the connection
        // always reaches the guest's current socket (a rebooted guest binds a new one at the same path).
        UnixDatagramChannel channel = connect(command);
        try {
            sendRequest(channel, request, command);
            return receiveReply(channel, command);
        } finally {
            closeQuietly(channel);
        }
    }

    /** The guest's mconsole socket, as given. */
    public Path socket() {
        return socket;
    }

    /** Refuses further commands; a command under way finishes first. */
    @Override
    public synchronized void close() {
        closed = true;
    }

    /** A socket connected to the guest's: it takes replies from the guest only, never another local user's datagrams. */
    private UnixDatagramChannel connect(String command) throws MconsoleException {
        UnixDatagramChannel channel;
        try {
            channel = UnixDatagramChannel.open();
        } catch (IOException e) {
            throw failure(command, "was not sent: no client socket could be opened", e);
        }
        try {
            DatagramConnect.connect(channel.getFD(), socket);
            channel.setOption(UnixSocketOptions.SO_RCVTIMEO, timeoutMillis);
            channel.setOption(UnixSocketOptions.SO_SNDTIMEO, timeoutMillis);
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            throw notSent(command, e);
        }
    }

    private void sendRequest(UnixDatagramChannel channel, ByteBuffer request, String command) throws MconsoleException {
        try {
            channel.send(request, guest);
        } catch (IOException e) {
            throw notSent(command, e);
        }
    }

    private MconsoleException notSent(String command, IOException e) {
        // A halted guest removes its socket; a killed one leaves it behind with nobody bound to it.
        if (Files.notExists(socket)) {
            return new MconsoleException(socket, command, "was not sent: the guest is not running (no socket)", true, e);
        }
        if (CONNECTION_REFUSED.equals(e.getMessage())) {
            return new MconsoleException(socket, command, "was not sent: the guest is not running (connection refused)", true, e);
        }
        return failure(command, "was not sent: " + e.getMessage(), e);
    }

    private MconsoleReply receiveReply(UnixDatagramChannel channel, String command) throws MconsoleException {
        Packet first = receivePacket(channel, command);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (Packet packet = first; ; packet = receivePacket(channel, command)) {
            text.writeBytes(packet.data());
            if (text.size() > MAX_REPLY_BYTES) {
                throw failure(command, "got a reply larger than " + MAX_REPLY_BYTES + " bytes", null);
            }
            if (!packet.more()) {
                return new MconsoleReply(first.err() == 0, text.toString(StandardCharsets.UTF_8));
            }
        }
    }

    private Packet receivePacket(UnixDatagramChannel channel, String command) throws MconsoleException {
        datagram.clear();
        try {
            channel.receive(datagram);
        } catch (IOException e) {
            throw MconsoleException.noReply(socket, command, Duration.ofMillis(timeoutMillis), e);
        }
        try {
            return MconsoleProtocol.decodeReply(datagram.flip());
        } catch (IllegalArgumentException e) {
            throw failure(command, "got a malformed reply: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(UnixDatagramChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a datagram socket has nothing to flush; the descriptor is released regardless.
        }
    }

    private MconsoleException failure(String command, String problem, Throwable cause) {
        return new MconsoleException(socket, command, problem, false, cause);
    }
}
