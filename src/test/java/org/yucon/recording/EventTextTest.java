package org.yucon.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.yucon.util.JsonText;

/** Bytes to JSON string bodies without a String on the way: the same text as JsonText writes, however cut. */
class EventTextTest {
    /** Printable ASCII, quotes, controls, C1 controls, bidi controls, line separators, CJK and an emoji. */
    private static final int[] CHARACTERS = {'a', 'Z', ' ', '"', '\\', '/', 0, 7, '\t', '\n', '\r', 0x1b, 0x7f, 0x85,
            0x9b, 0xe9, 0x202e, 0x2066, 0x2028, 0x061c, 0x4e2d, 0xfffd, 0x1f600};

    private static String body(String text) {
        String quoted = JsonText.string(text);
        return quoted.substring(1, quoted.length() - 1);
    }

    private static String encoded(EventText stream, byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            stream.append(piece, out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anyTextCutAnywhereIsWrittenAsJsonTextWritesIt() {
        Random random = new Random(23);
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(40); n > 0; n--) {
                text.appendCodePoint(CHARACTERS[random.nextInt(CHARACTERS.length)]);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            int cut = random.nextInt(bytes.length + 1);
            byte[] first = java.util.Arrays.copyOfRange(bytes, 0, cut);
            byte[] second = java.util.Arrays.copyOfRange(bytes, cut, bytes.length);
            assertEquals(body(text.toString()), encoded(new EventText(), first, second), "cut at " + cut + " of " + text);
        }
    }

    @Test
    void whatIsNotUtf8BecomesTheReplacementCharacter() {
        assertEquals("a\\ufffdb", encoded(new EventText(), new byte[] {'a', (byte) 0x80, 'b'}), "a stray continuation byte");
        assertEquals("\\ufffd\\ufffd", encoded(new EventText(), new byte[] {(byte) 0xc0, (byte) 0xaf}), "an overlong '/'");
        assertEquals("\\ufffd\\ufffd\\ufffd", encoded(new EventText(), new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}),
                "a surrogate");
        assertEquals("\\ufffd\\ufffdx", encoded(new EventText(), new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[] {'x'}),
                "a character that the next piece does not finish");
    }
}
