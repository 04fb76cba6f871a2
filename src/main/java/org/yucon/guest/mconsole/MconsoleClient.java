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
 * Commands are sent one at a time; a caller waits while another caller's command is under way.
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
    private final ByteBuffer datagram = ByteBuffer.allocate(MconsoleProtocol.PACKET_SIZE);
    private UnixDatagramChannel channel;
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
        try {
            openChannel(command);
            sendRequest(request, command);
            return receiveReply(command);
        } catch (MconsoleException e) {
            // Late packets of this reply would pass for the next command's: a new socket gets a new address.
            closeChannel();
            throw e;
        }
    }

    /** The guest's mconsole socket, as given. */
    public Path socket() {
        return socket;
    }

    /** Releases the socket; a command under way finishes first. */
    @Override
    public synchronized void close() {
        closed = true;
        closeChannel();
    }

    private void openChannel(String command) throws MconsoleException {
        if (channel != null) {
            return;
        }
        try {
            channel = newChannel();
        } catch (IOException e) {
            throw failure(command, "was not sent: no client socket could be opened", e);
        }
    }

    private UnixDatagramChannel newChannel() throws IOException {
        UnixDatagramChannel opened = UnixDatagramChannel.open();
        try {
            // The guest replies to the sender's address; binding to none lets the kernel choose a unique
            // abstract name, which leaves no file behind.
            opened.bind(null);
            opened.setOption(UnixSocketOptions.SO_RCVTIMEO, timeoutMillis);
            opened.setOption(UnixSocketOptions.SO_SNDTIMEO, timeoutMillis);
            return opened;
        } catch (IOException e) {
            opened.close();
            throw e;
        }
    }

    private void sendRequest(ByteBuffer request, String command) throws MconsoleException {
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

    private MconsoleReply receiveReply(String command) throws MconsoleException {
        Packet first = receivePacket(command);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (Packet packet = first; ; packet = receivePacket(command)) {
            text.writeBytes(packet.data());
            if (text.size() > MAX_REPLY_BYTES) {
                throw failure(command, "got a reply larger than " + MAX_REPLY_BYTES + " bytes", null);
            }
            if (!packet.more()) {
                return new MconsoleReply(first.err() == 0, text.toString(StandardCharsets.UTF_8));
            }
        }
    }

    private Packet receivePacket(String command) throws MconsoleException {
        datagram.clear();
        try {
            channel.receive(datagram);
        } catch (IOException e) {
            throw failure(command, "got no reply within " + timeoutMillis + " ms", e);
        }
        try {
            return MconsoleProtocol.decodeReply(datagram.flip());
        } catch (IllegalArgumentException e) {
            throw failure(command, "got a malformed reply: " + e.getMessage(), e);
        }
    }

    private void closeChannel() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a datagram socket has nothing to flush; the descriptor is released regardless.
        }
        channel = null;
    }

    private MconsoleException failure(String command, String problem, Throwable cause) {
        return new MconsoleException(socket, command, problem, false, cause);
    }
}
