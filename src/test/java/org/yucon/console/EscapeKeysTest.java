package org.yucon.console;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EscapeKeysTest {
    private static final byte CTRL_A = 0x01;
    private static final byte CTRL_D = 0x04;

    private final EscapeKeys keys = new EscapeKeys(CTRL_A);
    private final Recorder recorder = new Recorder(false);

    @Test
    void plainBytesPassThroughInOneForward() {
        byte[] typed = "ls -l\r".getBytes(US_ASCII);
        assertEquals(typed.length, feed(typed));
        assertEquals(List.of("ls -l\r"), recorder.forwards);
        assertEquals(List.of(), recorder.commands);
    }

    @Test
    void prefixThenDDetachesAndLeavesTheRestUnconsumed() {
        assertEquals(4, feed(bytes('x', 'y', CTRL_A, 'd', 'z', 'w')));
        assertEquals(List.of("xy"), recorder.forwards);
        assertEquals(List.of(EscapeCommand.DETACH), recorder.commands);
    }

    @Test
    void prefixThenCtrlDDetaches() {
        assertEquals(2, feed(bytes(CTRL_A, CTRL_D, 'z')));
        assertEquals(List.of(), recorder.forwards);
        assertEquals(List.of(EscapeCommand.DETACH), recorder.commands);
    }

    @Test
    void prefixSplitAcrossTwoReadsStillDetaches() {
        assertEquals(2, feed(bytes('x', CTRL_A)));
        assertEquals(1, feed(bytes('d', 'z')));
        assertEquals(List.of("x"), recorder.forwards);
        assertEquals(List.of(EscapeCommand.DETACH), recorder.commands);
    }

    @Test
    void prefixTwiceSendsOneLiteralPrefix() {
        assertEquals(4, feed(bytes('x', CTRL_A, CTRL_A, 'y')));
        assertEquals(List.of("x", "\u0001", "y"), recorder.forwards);
    }

    @Test
    void prefixThenASendsOneLiteralPrefix() {
        assertEquals(2, feed(bytes(CTRL_A, 'a')));
        assertEquals(List.of("\u0001"), recorder.forwards);
    }

    @Test
    void unboundKeyAfterPrefixIsReportedAndDropped() {
        assertEquals(3, feed(bytes(CTRL_A, 'q', 'y')));
        assertEquals(List.of("y"), recorder.forwards);
        assertEquals(List.of((byte) 'q'), recorder.unbound);
    }

    @Test
    void questionMarkAsksForHelpAndGoesOn() {
        assertEquals(3, feed(bytes(CTRL_A, '?', 'y')));
        assertEquals(List.of(EscapeCommand.HELP), recorder.commands);
        assertEquals(List.of("y"), recorder.forwards);
    }

    @Test
    void helpNamesTheConfiguredPrefix() {
        assertEquals("^] d or ^] ^D detach, ^] a or ^] ^] sends ^], ^] ? help", new EscapeKeys((byte) 0x1d).help());
    }

    /**
     * Random input, split at random points, with commands that randomly stop the feed: whatever happens, the bytes
     * forwarded are the input with every escape pair removed (a doubled prefix or prefix-a becoming one literal).
     */
    @Test
    @Timeout(10)
    void randomInputForwardsExactlyTheInputWithoutEscapes() {
        Random random = new Random(20240611);
        for (int run = 0; run < 100_000; run++) {
            byte[] input = randomKeys(random, random.nextInt(64));
            EscapeKeys escapes = new EscapeKeys(CTRL_A);
            Recorder handler = new Recorder(random.nextBoolean());
            int at = 0;
            while (at < input.length) {
                int length = 1 + random.nextInt(input.length - at);
                int consumed = escapes.feed(input, at, length, handler);
                if (handler.stopped) {
                    byte last = input[at + consumed - 1];
                    assertTrue(last == 'd' || last == CTRL_D, () -> Arrays.toString(input));
                    handler.stopped = false;
                } else {
                    assertEquals(length, consumed, () -> Arrays.toString(input));
                }
                at += consumed;
            }
            assertArrayEquals(withoutEscapes(input), handler.forwarded.toByteArray(), () -> Arrays.toString(input));
        }
    }

    /** Mostly the keys that matter (prefix, d, a, ^D, ?), and some of everything else. */
    private static byte[] randomKeys(Random random, int length) {
        byte[] interesting = bytes(CTRL_A, 'd', 'a', CTRL_D, '?', 'x');
        byte[] input = new byte[length];
        for (int i = 0; i < length; i++) {
            input[i] = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (byte) random.nextInt(256);
        }
        return input;
    }

    /** Reference: walk the input; a prefix eats the next byte and yields the prefix itself for prefix or 'a'. */
    private static byte[] withoutEscapes(byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < input.length; i++) {
            if (input[i] != CTRL_A) {
                out.write(input[i]);
            } else if (i + 1 < input.length) {
                i++;
                if (input[i] == CTRL_A || input[i] == 'a') {
                    out.write(CTRL_A);
                }
            }
        }
        return out.toByteArray();
    }

    private int feed(byte[] input) {
        return keys.feed(input, 0, input.length, recorder);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static final class Recorder implements EscapeKeys.Handler {
        final List<String> forwards = new ArrayList<>();
        final List<EscapeCommand> commands = new ArrayList<>();
        final List<Byte> unbound = new ArrayList<>();
        final ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
        private final boolean detachGoesOn;
        boolean stopped;

        Recorder(boolean detachGoesOn) {
            this.detachGoesOn = detachGoesOn;
        }

        @Override
        public void forward(byte[] bytes, int offset, int length) {
            forwards.add(new String(bytes, offset, length, US_ASCII));
            forwarded.write(bytes, offset, length);
        }

        @Override
        public boolean command(EscapeCommand command) {
            commands.add(command);
            stopped = command == EscapeCommand.DETACH && !detachGoesOn;
            return !stopped;
        }

        @Override
        public void unbound(byte key) {
            unbound.add(key);
        }
    }
}
