package org.yucon.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.yucon.console.ConsoleSink;

/**
 * A console viewer's SSH channel. Console output and the gateway's own lines ({@link #tell}) share the channel's
 * stream under one lock, so a line never lands inside a chunk of output.
 */
final class ChannelSink implements ConsoleSink {
    private final OutputStream out;

    ChannelSink(OutputStream out) {
        this.out = out;
    }

    @Override
    public void output(byte[] bytes, int length) throws IOException {
        synchronized (out) {
            out.write(bytes, 0, length);
            out.flush();
        }
    }

    @Override
    public void missed(long bytes) throws IOException {
        tell(bytes + " bytes of console output were skipped: this viewer fell behind");
    }

    /** A line of the gateway's own, set apart from the guest's output. */
    void tell(String line) throws IOException {
        byte[] bytes = ("\r\n[yucon] " + line + "\r\n").getBytes(StandardCharsets.UTF_8);
        output(bytes, bytes.length);
    }
}
