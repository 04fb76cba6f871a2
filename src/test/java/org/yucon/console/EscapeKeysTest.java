package org.yucon.console;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EscapeKeysTest {
    private static final byte CTRL_A = 0x01;
    private static final byte CTRL_D = 0x04;
    /** The commands after which the session no longer has the console's keys (the rest goes elsewhere). */
    private static final Set<EscapeCommand> STOPPING = Set.of(EscapeCommand.DETACH, EscapeCommand.MENU, EscapeCommand.LOG);

    private final EscapeKeys keys = new EscapeKeys(CTRL_A);
    private final Recorder recorder = new Recorder(false);

    @Test
    void plainBytesPassThroughInOneForward() throws IOException {
        byte[] typed = "ls -l\r".getBytes(US_ASCII);
        assertEquals(typed.length, feed(typed));
        assertEquals(List.of("ls -l\r"), recorder.forwards);
        assertEquals(List.of(), recorder.commands);
    }

    /** What may skip the parser (keys sent straight from the SSH thread): plain text only, never mid-escape. */
    @Test
    void onlyTextWithoutThePrefixIsPlain() throws IOException {
        assertTrue(keys.plain("ls -l\r".getBytes(US_ASCII)));
        assertFalse(keys.plain(bytes('x', CTRL_A, 'y')));
        byte[] prefixAlone = bytes(CTRL_A);
        keys.feed(prefixAlone, 0, 1, recorder);
        assertFalse(keys.plain(bytes('d')), "the key after a prefix read earlier is a command");
        keys.feed(bytes(CTRL_A), 0, 1, recorder);
        assertTrue(keys.plain(bytes('d')));
    }

    /** Every binding of the table: prefix then its key runs it, and neither byte reaches the guest. */
    @ParameterizedTest
    @EnumSource(value = EscapeCommand.class, names = "SYSRQ", mode = EnumSource.Mode.EXCLUDE)
    void everyBoundKeyRunsItsCommand(EscapeCommand command) throws IOException {
        Recorder goingOn = new Recorder(true);
        byte[] input = bytes('x', CTRL_A, command.key(), 'y');
        assertEquals(4, keys.feed(input, 0, input.length, goingOn));
        assertEquals(List.of(command), goingOn.commands);
        assertEquals(List.of("x", "y"), goingOn.forwards);
    }

    @Test
    void theTableBindsTheseKeys() {
        assertEquals("d?wafsrlbm", Arrays.stream(EscapeCommand.values()).map(c -> String.valueOf((char) c.key()))
                .reduce("", String::concat));
    }

    @Test
    void prefixThenDDetachesAndLeavesTheRestUnconsumed() throws IOException {
        assertEquals(4, feed(bytes('x', 'y', CTRL_A, 'd', 'z', 'w')));
        assertEquals(List.of("xy"), recorder.forwards);
        assertEquals(List.of(EscapeCommand.DETACH), recorder.commands);
    }

    @Test
    void prefixThenCtrlDDetaches() throws IOException {
        assertEquals(2, feed(bytes(CTRL_A, CTRL_D, 'z')));
        assertEquals(List.of(), recorder.forwards);
        assertEquals(List.of(EscapeCommand.DETACH), recorder.commands);
    }

    @Test
    void menuAndLogStopTheFeedLikeDetach() throws IOException {
        assertEquals(2, feed(bytes(CTRL_A, 'm', 'q')));
        assertEquals(2, feed(bytes(CTRL_A, 'l', 'q')));
        assertEquals(List.of(EscapeCommand.MENU, EscapeCommand.LOG), recorder.commands);
        assertEquals(List.of(), recorder.forwards);
    }

    @Test
    void prefixSplitAcrossTwoReadsStillDetaches() throws IOException {
        assertEquals(2, feed(bytes('x', CTRL_A)));
        assertEquals(1, feed(bytes('d', 'z')));
        assertEquals(List.of("x"), recorder.forwards);
        assertEquals(List.of(EscapeCommand.DETACH), recorder.commands);
    }

    @Test
    void prefixTwiceSendsOneLiteralPrefix() throws IOException {
        assertEquals(4, feed(bytes('x', CTRL_A, CTRL_A, 'y')));
        assertEquals(List.of("x", "\u0001", "y"), recorder.forwards);
    }

    /** Whether prefix-a sends the prefix (the writer) or asks for write (read-only) is the session's to decide. */
    @Test
    void prefixThenAIsReportedNotForwarded() throws IOException {
        assertEquals(3, feed(bytes(CTRL_A, 'a', 'y')));
        assertEquals(List.of(EscapeCommand.ASK_WRITE), recorder.commands);
        assertEquals(List.of("y"), recorder.forwards);
    }

    @Test
    void prefixBThenAKeyIsSysrqWithThatKey() throws IOException {
        assertEquals(4, feed(bytes(CTRL_A, 'b', 's', 'y')));
        assertEquals(List.of((byte) 's'), recorder.sysrq);
        assertEquals(List.of("y"), recorder.forwards);
        assertEquals(List.of(), recorder.commands);
    }

    @Test
    void sysrqSplitAcrossThreeReads() throws IOException {
        feed(bytes('x', CTRL_A));
        feed(bytes('b'));
        feed(bytes('u', 'y'));
        assertEquals(List.of((byte) 'u'), recorder.sysrq);
        assertEquals(List.of("x", "y"), recorder.forwards);
    }

    /** After prefix b the next key is SysRq's whatever it is, even the prefix: nothing of it reaches the guest. */
    @Test
    void sysrqTakesAnyKeyAndTheSessionJudgesIt() throws IOException {
        assertEquals(4, feed(bytes(CTRL_A, 'b', CTRL_A, 'y')));
        assertEquals(List.of(CTRL_A), recorder.sysrq);
        assertEquals(List.of("y"), recorder.forwards);
    }

    @Test
    void unboundKeyAfterPrefixIsReportedAndDropped() throws IOException {
        assertEquals(3, feed(bytes(CTRL_A, 'q', 'y')));
        assertEquals(List.of("y"), recorder.forwards);
        assertEquals(List.of((byte) 'q'), recorder.unbound);
    }

    @Test
    void helpListsEveryKeyWithTheConfiguredPrefixInShortLines() {
        List<String> help = new EscapeKeys((byte) 0x1d).help();
        String all = String.join(", ", help);
        for (EscapeCommand command : EscapeCommand.values()) {
            assertTrue(all.contains("^] " + (char) command.key() + " " + command.help()), all);
        }
        assertTrue(all.contains("^] ^] send ^]"), all);
        assertTrue(help.size() > 1 && help.stream().allMatch(line -> line.length() <= 70), () -> String.join("\n", help));
    }

    @Test
    void hintNamesThePrefix() {
        assertEquals("^B ? lists the keys, ^B d detaches", new EscapeKeys((byte) 0x02).hint());
    }

    /**
     * Random input, split at random points, with commands that randomly stop the feed: whatever happens, the bytes
     * forwarded are the input with every escape removed (a doubled prefix becoming one literal).
     */
    @Test
    @Timeout(10)
    void randomInputForwardsExactlyTheInputWithoutEscapes() throws IOException {
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
                    assertTrue(last == 'd' || last == CTRL_D || last == 'm' || last == 'l', () -> Arrays.toString(input));
                    handler.stopped = false;
                } else {
                    assertEquals(length, consumed, () -> Arrays.toString(input));
                }
                at += consumed;
            }
            assertArrayEquals(withoutEscapes(input), handler.forwarded.toByteArray(), () -> Arrays.toString(input));
        }
    }

    /** Mostly the keys that matter (prefix, d, a, b, ^D, m, l, ?), and some of everything else. */
    private static byte[] randomKeys(Random random, int length) {
        byte[] interesting = bytes(CTRL_A, 'd', 'a', 'b', CTRL_D, 'm', 'l', '?', 'x');
        byte[] input = new byte[length];
        for (int i = 0; i < length; i++) {
            input[i] = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (byte) random.nextInt(256);
        }
        return input;
    }

    /** Reference: a prefix eats the next byte (and b one more), and yields the prefix itself for a second prefix. */
    private static byte[] withoutEscapes(byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < input.length; i++) {
            if (input[i] != CTRL_A) {
                out.write(input[i]);
            } else if (i + 1 < input.length) {
                i++;
                if (input[i] == CTRL_A) {
                    out.write(CTRL_A);
                } else if (input[i] == 'b') {
                    i++;
                }
            }
        }
        return out.toByteArray();
    }

    private int feed(byte[] input) throws IOException {
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
        final List<Byte> sysrq = new ArrayList<>();
        final List<Byte> unbound = new ArrayList<>();
        final ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
        private final boolean stoppingGoesOn;
        boolean stopped;

        Recorder(boolean stoppingGoesOn) {
            this.stoppingGoesOn = stoppingGoesOn;
        }

        @Override
        public void forward(byte[] bytes, int offset, int length) {
            forwards.add(new String(bytes, offset, length, US_ASCII));
            forwarded.write(bytes, offset, length);
        }

        @Override
        public boolean command(EscapeCommand command) {
            commands.add(command);
            stopped = STOPPING.contains(command) && !stoppingGoesOn;
            return !stopped;
        }

        @Override
        public void sysrq(byte key) {
            sysrq.add(key);
        }

        @Override
        public void unbound(byte key) {
            unbound.add(key);
        }
    }
}
