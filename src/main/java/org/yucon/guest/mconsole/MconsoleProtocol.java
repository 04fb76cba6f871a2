package org.yucon.guest.mconsole;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The mconsole wire format of the kernel's {@code arch/um/include/shared/mconsole.h}, without I/O.
 * Both sides run on one host, so every field is a 32-bit integer in host byte order.
 */
final class MconsoleProtocol {

    static final int MAGIC = 0xcafebabe;
    static final int VERSION = 2;
    /** Size of the data field of requests and replies; the kernel refuses a request whose length reaches it. */
    static final int MAX_DATA = 512;
    static final int HEADER_SIZE = 12;
    static final int PACKET_SIZE = HEADER_SIZE + MAX_DATA;

    /**
     * One reply datagram.
     *
     * @param err  non-zero when the guest refused the command; only the first packet of a reply carries it
     * @param more true when another packet of the same reply follows
     * @param data the text bytes, without the trailing NUL; kept as bytes because the guest splits
     *             its text every 511 bytes, possibly inside a UTF-8 character
     */
    record Packet(int err, boolean more, byte[] data) {
    }

    private MconsoleProtocol() {
    }

    /**
     * Encodes a request as the whole C struct, as the reference client {@code uml_mconsole} sends it.
     *
     * @return a buffer ready to send
     * @throws IllegalArgumentException if the command holds a NUL or has {@value #MAX_DATA} bytes or more
     */
    static ByteBuffer encodeRequest(String command) {
        byte[] data = command.getBytes(StandardCharsets.UTF_8);
        if (data.length >= MAX_DATA) {
            throw new IllegalArgumentException("mconsole command has " + data.length + " bytes, the limit is " + (MAX_DATA - 1));
        }
        if (command.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("mconsole command contains a NUL character");
        }
        ByteBuffer request = ByteBuffer.allocate(PACKET_SIZE).order(ByteOrder.nativeOrder());
        request.putInt(MAGIC).putInt(VERSION).putInt(data.length).put(data);
        return request.clear();
    }

    /**
     * Decodes one reply datagram, from the buffer's position to its limit; the buffer is not modified.
     *
     * @throws IllegalArgumentException if the datagram is not a well-formed reply
     */
    static Packet decodeReply(ByteBuffer datagram) {
        ByteBuffer in = datagram.slice().order(ByteOrder.nativeOrder());
        if (in.remaining() < HEADER_SIZE) {
            throw new IllegalArgumentException("reply of " + in.remaining() + " bytes is shorter than its header");
        }
        int err = in.getInt();
        int more = in.getInt();
        int length = in.getInt();
        if (length < 0 || length > MAX_DATA || length > in.remaining()) {
            throw new IllegalArgumentException("reply claims " + length + " data bytes but carries " + in.remaining());
        }
        byte[] data = new byte[textLength(in, length)];
        in.get(data);
        return new Packet(err, more != 0, data);
    }

    /** The length counts the NUL the kernel appends; tolerate a sender that leaves it out. */
    private static int textLength(ByteBuffer data, int length) {
        boolean terminated = length > 0 && data.get(data.position() + length - 1) == 0;
        return terminated ? length - 1 : length;
    }
}
