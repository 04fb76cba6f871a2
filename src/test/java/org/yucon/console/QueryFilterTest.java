package org.yucon.console;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What a replay keeps and what it drops. Inputs are written one character per byte ("\u009b" is the raw byte 0x9B)
 * unless they say UTF-8; "\e" below stands for ESC in the comments.
 */
class QueryFilterTest {
    private static final String ESC = "\u001b";
    private static final String CSI = ESC + "[";
    private static final String OSC = ESC + "]";
    private static final String DCS = ESC + "P";
    private static final String APC = ESC + "_";
    private static final String ST = ESC + "\\";
    private static final String BEL = "\u0007";

    /** What a terminal answers: each is dropped whole, whatever is around it. */
    private static final List<String> QUERIES = List.of(
            CSI + "6n", CSI + "5n", CSI + "?6n", CSI + "?996n",                           // DSR, DECXCPR, colour scheme
            CSI + "c", CSI + "0c", CSI + ">c", CSI + ">0c", CSI + "=c", CSI + "=0c",       // DA 1, 2, 3
            CSI + "2026$p", CSI + "?2026$p", CSI + "?1049$p",                              // DECRQM
            CSI + "x", CSI + "1x",                                                         // DECREQTPARM
            CSI + ">q", CSI + ">0q",                                                       // XTVERSION
            CSI + "14t", CSI + "18t", CSI + "21t", CSI + "13;2t", CSI + "11t", CSI + "19t", // XTWINOPS reports
            CSI + "?4m", CSI + "?u", CSI + "1$u", CSI + "&u", CSI + "1$w", CSI + "1;1;1;1;1;1*y",
            CSI + "\"v", CSI + "?1;1;0S", CSI + "1;1;1;1#|", CSI + "#R",
            OSC + "10;?" + BEL, OSC + "11;?" + ST, OSC + "4;1;?" + ST, OSC + "4;0;?;1;?" + BEL, OSC + "12;?" + BEL,
            OSC + "52;c;?" + ST, OSC + "10;?;?" + BEL, OSC + "21;foreground=?;background=?" + ST, OSC + "60" + ST,
            OSC + "1337;ReportCellSize" + BEL,
            DCS + "$qm" + ST, DCS + "$q\"p" + ST, DCS + "+q544e" + ST, DCS + "+q6b63757531" + BEL, DCS + "+QallowWindowOps" + ST,
            APC + "Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA" + ST, APC + "Ga=T,i=3;AAAA" + ST,
            "\u0005", ESC + "Z", "\u009a",
            "\u009b6n", "\u009b>c", "\u009d11;?\u009c", "\u0090$qm\u009c");

    /** Sequences that only show something or set something: each passes unchanged. */
    private static final List<String> HARMLESS = List.of(
            CSI + "m", CSI + "1;31m", CSI + "38;2;255;128;0m", CSI + "H", CSI + "10;20H", CSI + "2J", CSI + "K",
            CSI + "?1049h", CSI + "?25l", CSI + "?2004h", CSI + "2 q", CSI + "8;24;80t", CSI + "22;0t", CSI + "23;0t",
            CSI + ">4;1m", CSI + ">1u", CSI + "<u", CSI + "u", CSI + "s", CSI + "1;24r", CSI + ">0n",
            ESC + "7", ESC + "8", ESC + "(B", ESC + "#8", ESC + "c", ESC + "=", ESC + ">", ESC + "M", ESC + " F",
            OSC + "0;uml1: ~" + BEL, OSC + "2;?" + ST, OSC + "8;;http://example.org/?q=1" + ST, OSC + "8;;" + ST,
            OSC + "10;#ffffff" + BEL, OSC + "4;1;rgb:ff/00/00" + ST, OSC + "52;c;aGVsbG8=" + ST, OSC + "104" + ST,
            OSC + "7;file://uml1/root" + ST, OSC + "133;A" + ST,
            DCS + "0;1;0q\"1;1;2;2#0;2;0;0;0#0!2~-" + ST, DCS + "=1s" + ST, DCS + "$t1" + ST,
            APC + "Ga=T,q=2,i=3;AAAA" + ST, APC + "anything" + ST, ESC + "Xsos" + ST, ESC + "^pm" + ST,
            "\u009b1m", "\u009d0;title\u009c", "\u0085");

    @Test
    void textPassesUnchanged() {
        String text = "uml1 login: root\r\nPassword: \r\n\tBusyBox v1.35.0 \u0008\u007f x\r\n";
        assertEquals(text, filtered(text));
        String utf8 = "Grüße, Ü, ›quoted‹, Ûber 6n, \u2603, \ud83d\ude00, 中文";
        assertArrayEquals(utf8.getBytes(UTF_8), QueryFilter.dropQueries(utf8.getBytes(UTF_8)),
                "continuation bytes 0x80-0x9F inside UTF-8 characters (Û is C3 9B) are text, not C1 controls");
    }

    /** The case of the issue: busybox's prompt asks where the cursor is. */
    @Test
    void theShellPromptsCursorQueryIsDropped() {
        assertEquals("\r\numl1:/root# ", filtered("\r\numl1:/root# " + CSI + "6n"));
        assertEquals("uml1:/root# exit\r\n\r\numl1 login: ",
                filtered("uml1:/root# " + CSI + "6nexit\r\n\r\numl1 login: "));
    }

    @Test
    void everyQueryIsDroppedAndTheTextAroundItKept() {
        for (String query : QUERIES) {
            assertEquals("before|after", filtered("before|" + query + "after"), "dropped: " + visible(query));
        }
    }

    @Test
    void everyHarmlessSequencePassesWhole() {
        for (String sequence : HARMLESS) {
            assertEquals("a" + sequence + "b", filtered("a" + sequence + "b"), "kept: " + visible(sequence));
        }
    }

    @Test
    void c1ControlsInUtf8AreControlsToo() {
        assertEquals("ab", utf8Filtered("a\u009b6nb"));
        assertEquals("ab", utf8Filtered("a\u009d11;?\u009cb"));
        assertEquals("ab", utf8Filtered("a\u009ab"));
        assertEquals("a\u009b1mb", utf8Filtered("a\u009b1mb"));
        assertEquals("a\u0085b", utf8Filtered("a\u0085b"));
    }

    @Test
    void aQueryWithControlsInsideIsDroppedButTheControlsStay() {
        // A terminal acts on C0 controls inside a sequence where they come, and still answers the query.
        assertEquals("a\r\nb", filtered("a" + CSI + "6\r\nnb"));
        assertEquals("ab", filtered("a" + CSI + "6\u0005nb"), "ENQ is answered even inside a sequence");
        assertEquals("ab", filtered("a" + OSC + "11;\r?" + BEL + "b"), "C0 inside an OSC is ignored, and it still asks");
    }

    @Test
    void aSequenceCutShortIsDroppedSoThatNothingJoinsAcrossADroppedQuery() {
        // The first CSI is cut short by the second: a terminal ignores it. Passed on, it would take the 'n' after
        // the dropped query and ask itself.
        assertEquals("n", filtered(CSI + "6" + CSI + "6nn"));
        assertEquals("\u0018n", filtered(CSI + "6\u0018n"));
        assertEquals("x", filtered(ESC + CSI + "6nx"));
        assertEquals("x", filtered(DCS + "1" + ESC + "Zx"));
    }

    @Test
    void aStringEndedByADroppedSequenceIsClosed() {
        // ESC ends the OSC (a terminal acts on it), then asks; the "?" BEL after it must not become part of the OSC.
        assertEquals(OSC + "11;" + ST + "?" + BEL, filtered(OSC + "11;" + CSI + "6n?" + BEL));
        assertEquals(OSC + "0;t" + ST + "x", filtered(OSC + "0;t" + ESC + "Zx"));
        assertEquals(DCS + "0;1;0q#1" + ST + "x" + ST, filtered(DCS + "0;1;0q#1" + CSI + "6nx" + ST));
        assertEquals(OSC + "0;t" + ST + CSI + "1m", filtered(OSC + "0;t" + CSI + "1m"));
    }

    @Test
    void aCharacterBrokenByWhatWasDroppedStaysBroken() {
        // é as one byte (E9) leads a three-byte UTF-8 character; the ESC after it broke that in the input. Dropped with
        // its query, it would leave the 9B after it to a UTF-8 terminal as that character's next byte, no longer a
        // CSI: the terminal and the filter would read what follows differently. A NUL (ignored) keeps them apart.
        assertEquals("\u00e9\u0000\u009b1m", filtered("\u00e9" + CSI + "6n\u009b1m"));
        assertEquals(OSC + "0;\u00e9\u0000\u009c?", filtered(OSC + "0;\u00e9\u0005\u009c?"));
        assertEquals("\u00e9\u0000\u00a0", filtered("\u00e9\u0005\u00a0"));
    }

    @Test
    void theTerminatorOfADroppedStringGoesWithIt() {
        assertEquals("ab", filtered("a" + OSC + "11;?" + ST + "b"));
        assertEquals("a" + ST + "b", filtered("a" + ST + "b"), "a terminator by itself stays");
        assertEquals("a" + CSI + "1mb", filtered("a" + OSC + "11;?" + CSI + "1mb"), "the OSC ends at ESC; the CSI is not its terminator");
    }

    @Test
    void sequencesSplitAcrossChunksAreRecognised() {
        String input = "x" + CSI + "6ny" + OSC + "11;?" + ST + "z" + DCS + "+q544e" + ST + "\u009b6n" + CSI + "1;31mok" + OSC + "0;t" + BEL;
        String expected = "xyz" + CSI + "1;31mok" + OSC + "0;t" + BEL;
        assertEquals(expected, filtered(input));
        byte[] bytes = input.getBytes(ISO_8859_1);
        for (int cut = 0; cut <= bytes.length; cut++) {
            QueryFilter filter = new QueryFilter();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(filter.filter(bytes, 0, cut));
            out.writeBytes(filter.filter(bytes, cut, bytes.length - cut));
            assertEquals(expected, out.toString(ISO_8859_1), "cut at " + cut);
        }
        assertEquals(expected, byteByByte(bytes).toString(ISO_8859_1));
        String utf8 = "é\u009b6nè";
        assertEquals("éè", byteByByte(utf8.getBytes(UTF_8)).toString(UTF_8), "C2 and 9B in two chunks");
    }

    @Test
    void whatIsUnfinishedAtTheEndIsHeldAndGivenBack() {
        QueryFilter filter = new QueryFilter();
        byte[] prompt = bytes("prompt# " + CSI + "6");
        assertEquals("prompt# ", new String(filter.filter(prompt, 0, prompt.length), ISO_8859_1));
        assertEquals(CSI + "6", new String(filter.unfinished(), ISO_8859_1), "live output may finish it: then the guest asks now");
        assertEquals("", new String(filter.filter(bytes("n"), 0, 1), ISO_8859_1), "finished within the replay, it is dropped");

        QueryFilter utf8 = new QueryFilter();
        assertEquals("a", new String(utf8.filter(new byte[] {'a', (byte) 0xc2}, 0, 2), ISO_8859_1));
        assertArrayEquals(new byte[] {(byte) 0xc2}, utf8.unfinished());

        assertEquals("a", new String(QueryFilter.dropQueries(bytes("a" + CSI + "6")), ISO_8859_1),
                "a bounded replay leaves out what it cannot finish");
        assertEquals("a" + ESC + "Xsos" + ST, new String(QueryFilter.dropQueries(bytes("a" + ESC + "Xsos")), ISO_8859_1),
                "and closes a string it passed on");
    }

    @Test
    void aLongSequenceIsJudgedByItsStart() {
        String padded = CSI + "0".repeat(2 * QueryFilter.MAX_HELD) + "6n";
        assertEquals("ab", filtered("a" + padded + "b"), "a padded DSR still asks");
        String longSgr = CSI + "1;".repeat(QueryFilter.MAX_HELD) + "m";
        assertEquals("ab", filtered("a" + longSgr + "b"), "too long to judge: dropped");
        String title = OSC + "0;" + "t".repeat(3 * QueryFilter.MAX_HELD) + BEL;
        assertEquals("a" + title + "b", filtered("a" + title + "b"), "a long title passes");
        String sixel = DCS + "0;1;0q" + "#0!9~-".repeat(QueryFilter.MAX_HELD) + ST;
        assertEquals("a" + sixel + "b", filtered("a" + sixel + "b"), "a long picture passes");
        String clipboard = OSC + "52;c;" + "QUFB".repeat(QueryFilter.MAX_HELD) + ST;
        assertEquals("ab", filtered("a" + clipboard + "b"), "a long clipboard OSC could still end in a '?' field");
        String unnumbered = OSC + "1".repeat(2 * QueryFilter.MAX_HELD) + BEL;
        assertEquals("ab", filtered("a" + unnumbered + "b"));
    }

    /**
     * Random mixes of queries, harmless sequences, pieces of sequences, text, UTF-8, C1 controls and random bytes,
     * given in random chunks: the result does not depend on the chunks, and what passes has nothing left that the
     * filter would drop (nothing dropped joined its neighbours into a new query, or made a C1 control part of a
     * character).
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomMixesGiveTheSameResultInAnyChunksAndPassNoQuery(long seed) {
        Random random = new Random(seed);
        List<String> pieces = List.of("text ", "\r\n", "n", "?", ";", "\\", "q", "6", "[", "]", "Z", "P", "_", "X", "$", "+",
                "G", "=", ">", "1", "c", "t", BEL, "\u0005", "\u0018", "\u001a", "\u007f", ESC, CSI, OSC, DCS, APC, ST,
                "\u009a", "\u009b", "\u009c", "\u009d", "\u0090", "\u0098", "\u009f", "\u0080", "\u00c2", "\u00e0",
                "\u00e2\u0080", "\u00f0\u009f", "\u00c3\u009b", "é");
        for (int round = 0; round < 2000; round++) {
            StringBuilder input = new StringBuilder();
            for (int i = random.nextInt(30); i >= 0; i--) {
                switch (random.nextInt(4)) {
                    case 0 -> input.append(QUERIES.get(random.nextInt(QUERIES.size())));
                    case 1 -> input.append(HARMLESS.get(random.nextInt(HARMLESS.size())));
                    case 2 -> input.append(pieces.get(random.nextInt(pieces.size())));
                    default -> input.append((char) random.nextInt(256));
                }
            }
            byte[] bytes = bytes(input.toString());
            byte[] whole = QueryFilter.dropQueries(bytes);
            assertArrayEquals(whole, chunked(bytes, random), () -> "chunks changed the result of " + visible(input.toString()));
            assertArrayEquals(whole, QueryFilter.dropQueries(whole),
                    () -> "a query is left in " + visible(new String(whole, ISO_8859_1)) + " from " + visible(input.toString()));
        }
    }

    private static byte[] chunked(byte[] bytes, Random random) {
        QueryFilter filter = new QueryFilter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(7));
            out.writeBytes(filter.filter(bytes, at, n));
            at += n;
        }
        out.writeBytes(filter.finish());
        return out.toByteArray();
    }

    private static ByteArrayOutputStream byteByByte(byte[] bytes) {
        QueryFilter filter = new QueryFilter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i++) {
            out.writeBytes(filter.filter(bytes, i, 1));
        }
        return out;
    }

    private static String filtered(String input) {
        return new String(QueryFilter.dropQueries(bytes(input)), ISO_8859_1);
    }

    private static String utf8Filtered(String input) {
        return new String(QueryFilter.dropQueries(input.getBytes(UTF_8)), UTF_8);
    }

    private static byte[] bytes(String oneBytePerChar) {
        return oneBytePerChar.getBytes(ISO_8859_1);
    }

    /** Controls shown as \xNN, for failure messages. */
    private static String visible(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            b.append(c < 0x20 || c >= 0x7f && c < 0xa0 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
