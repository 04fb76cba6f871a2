package org.yucon.recording;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.yucon.util.Printable;

/**
 * The bytes of one stream of a recording (what the viewer was shown, or typed) as the bodies of JSON strings, written
 * straight from the bytes: on a flood this runs for every byte a console prints, so it makes no String on the way
 * (through Strings, a recording kept up with 25 MB/s of output, this way with 50). UTF-8 passes as it is; what is not
 * {@link Printable} is escaped, as {@link org.yucon.util.JsonText} does; each byte that is not UTF-8 becomes U+FFFD;
 * a character cut between two pieces is finished by the next one. Owned by the thread that writes the recording.
 */
final class EventText {
    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    private static final int REPLACEMENT = 0xfffd;
    /**
     * The escape of each ASCII byte that is not {@link #plain}, written in one piece: each of ByteArrayOutputStream's
     * writes takes its lock, and byte by byte the line ends alone held a flood of 80-column lines to 270 MB/s on one
     * thread (Intel Xeon), some 4 ms of the gateway's CPU per MB recorded.
     */
    private static final byte[][] ASCII_ESCAPES = asciiEscapes();

    /** The start of a character that the last piece ended in the middle of (at most 3 bytes). */
    private byte[] carry = new byte[0];

    /** Appends the text of {@code bytes}, JSON-escaped, to {@code out}. */
    void append(byte[] bytes, ByteArrayOutputStream out) {
        byte[] in = carry.length == 0 ? bytes : concat(carry, bytes);
        int i = 0;
        while (i < in.length) {
            int b = in[i] & 0xff;
            if (plain(b)) {
                int end = plainRun(in, i);
                out.write(in, i, end - i);
                i = end;
            } else if (b < 0x80) {
                out.writeBytes(ASCII_ESCAPES[b]);
                i++;
            } else {
                int length = sequence(in, i);
                if (length == 0) {
                    break;
                }
                if (length < 0) {
                    escape(REPLACEMENT, out);
                    i++;
                } else {
                    int c = codePoint(in, i, length);
                    if (Printable.isSafe(c)) {
                        out.write(in, i, length);
                    } else {
                        escape(c, out);
                    }
                    i += length;
                }
            }
        }
        carry = Arrays.copyOfRange(in, i, in.length);
    }

    /** Printable ASCII that JSON takes as it is: most of what a console prints. */
    private static boolean plain(int b) {
        return b >= 0x20 && b < 0x7f && b != '"' && b != '\\';
    }

    /**
     * Where the run of {@link #plain} bytes from {@code i} ends: it is copied in one write, not byte by byte. Each of
     * ByteArrayOutputStream's writes takes its lock: byte by byte, a flood of {@code x} was encoded at 176 MB/s and a
     * coloured listing at 140 MB/s; in runs, at 1,950 and 370 MB/s (2 KB pieces, one thread, AMD EPYC).
     */
    private static int plainRun(byte[] in, int i) {
        int end = i + 1;
        while (end < in.length && plain(in[end] & 0xff)) {
            end++;
        }
        return end;
    }

    /**
     * The length of the UTF-8 sequence that starts at {@code i}: 2 to 4; -1 when it is not UTF-8 (a stray continuation
     * byte, an overlong form, a surrogate, past U+10FFFF); 0 when the bytes end before it does.
     */
    private static int sequence(byte[] in, int i) {
        int b = in[i] & 0xff;
        int length;
        int low = 0x80;
        int high = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) {
            length = 2;
        } else if (b >= 0xe0 && b <= 0xef) {
            length = 3;
            low = b == 0xe0 ? 0xa0 : low;
            high = b == 0xed ? 0x9f : high;
        } else if (b >= 0xf0 && b <= 0xf4) {
            length = 4;
            low = b == 0xf0 ? 0x90 : low;
            high = b == 0xf4 ? 0x8f : high;
        } else {
            return -1;
        }
        for (int k = 1; k < length; k++) {
            if (i + k >= in.length) {
                return 0;
            }
            int c = in[i + k] & 0xff;
            if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xbf)) {
                return -1;
            }
        }
        return length;
    }

    private static int codePoint(byte[] in, int i, int length) {
        int c = in[i] & (0xff >> (length + 1));
        for (int k = 1; k < length; k++) {
            c = c << 6 | in[i + k] & 0x3f;
        }
        return c;
    }

    /** {@code \}{@code uXXXX}: every character that is not printable is in the BMP. */
    private static void escape(int c, ByteArrayOutputStream out) {
        out.writeBytes(unicodeEscape(c));
    }

    private static byte[] unicodeEscape(int c) {
        byte[] escape = {'\\', 'u', 0, 0, 0, 0};
        for (int k = 0; k < 4; k++) {
            escape[2 + k] = HEX[c >> (12 - 4 * k) & 0xf];
        }
        return escape;
    }

    private static byte[][] asciiEscapes() {
        byte[][] escapes = new byte[0x80][];
        for (int b = 0; b < 0x80; b++) {
            escapes[b] = b == '"' || b == '\\' ? new byte[] {'\\', (byte) b} : unicodeEscape(b);
        }
        return escapes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
