package org.yucon.util;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Buffered streams over a blocking Unix-domain socket channel that one thread may read while another writes.
 * {@code Channels.newInputStream} cannot be used for that on Java 17: reads and writes hold the same
 * blocking lock, so a writer waits for a reader that waits for data. Buffered, because DataOutputStream writes
 * a frame's header field by field: writers flush once per message, so one message is one write(2) (a keystroke's
 * round trip through the keeper is on the echo path), and readers take a frame's header from memory.
 */
public final class UnixStreams {
    private UnixStreams() {
    }

    private static final int BUFFER = 64 * 1024;

    public static InputStream in(SocketChannel channel) {
        return new BufferedInputStream(raw(channel), BUFFER);
    }

    public static OutputStream out(SocketChannel channel) {
        return new BufferedOutputStream(rawOut(channel), BUFFER);
    }

    private static InputStream raw(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    private static OutputStream rawOut(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        };
    }
}
