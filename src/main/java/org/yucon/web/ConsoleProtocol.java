package org.yucon.web;

import java.nio.ByteBuffer;

/**
 * The browser console's WebSocket protocol (README, "The console in the browser"): binary frames whose first byte
 * says what the rest is, after ttyd's. The page offers two subprotocols, {@value #NAME} and {@code csrf.TOKEN} with
 * its session's CSRF token; the gateway answers {@value #NAME}.
 */
final class ConsoleProtocol {
    static final String NAME = "yucon-console.v1";
    static final String TOKEN_PREFIX = "csrf.";

    /** Page to gateway: keys typed or pasted, as bytes for the guest (escape keys included). */
    static final byte INPUT = 'i';
    /** Page to gateway: the terminal's size, columns and rows as two unsigned 16-bit big-endian numbers. */
    static final byte SIZE = 's';
    /** Page to gateway: this many more bytes of output were rendered (unsigned 32-bit big-endian); 0 keeps alive. */
    static final byte ACK = 'a';
    /** Page to gateway: send no output until CONTINUE (the page's scroll lock). */
    static final byte PAUSE = 'p';
    static final byte CONTINUE = 'c';
    /** Page to gateway: one escape command by its key (w, a, f, s, r, b then a key, d, ?), as its buttons send it. */
    static final byte COMMAND = 'k';

    /** Gateway to page: console output and the gateway's own lines, bytes for the terminal. */
    static final byte OUTPUT = 'o';
    /** Gateway to page: the console was left (the reason in UTF-8); the socket closes after it. */
    static final byte DETACHED = 'd';

    private ConsoleProtocol() {
    }

    static ByteBuffer frame(byte type, byte[] bytes, int length) {
        ByteBuffer frame = ByteBuffer.allocate(1 + length);
        frame.put(type).put(bytes, 0, length).flip();
        return frame;
    }
}
