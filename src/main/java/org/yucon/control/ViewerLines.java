package org.yucon.control;

import java.nio.charset.StandardCharsets;
import org.yucon.util.Printable;

/** The gateway's own lines on a console, as every front's {@link ViewerSink} shows them: the same bytes for all. */
public final class ViewerLines {
    private ViewerLines() {
    }

    /** Lines set apart from the guest's output, made {@link Printable} (they may quote a guest's kernel). */
    public static byte[] told(String... lines) {
        StringBuilder text = new StringBuilder("\r\n");
        for (String line : lines) {
            text.append("[yucon] ").append(Printable.of(line)).append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** What a viewer that fell behind the ring is told. */
    public static String missed(long bytes) {
        return bytes + " bytes of console output were skipped: this viewer fell behind (the console log has them)";
    }

    /** Console output shown again, between two lines that say so. */
    public static byte[] replay(byte[] output, String what) {
        byte[] head = ("\r\n[yucon] " + what + ":\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\r\n[yucon] end of the replay\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + output.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(output, 0, all, head.length, output.length);
        System.arraycopy(tail, 0, all, head.length + output.length, tail.length);
        return all;
    }
}
