package org.yucon.console;

import java.util.Arrays;
import java.util.Set;

/**
 * Drops terminal queries from console output that is shown again (a replay), so that the terminal it is shown on
 * does not answer them: the answer would reach the guest as if typed. busybox's shell asks for the cursor position
 * (ESC [ 6 n) at each prompt; replayed after a reboot, the client's terminal answered "ESC [ 30 ; 11 R" and the
 * guest's login took that for the start of a user name. Live output is never filtered: there the guest asked.
 *
 * <p>A state machine over bytes, after the VT500 parser (vt100.net/emu/dec_ansi_parser), that follows escape
 * sequences across the chunks it is given: in their 7-bit form (ESC [), as 8-bit C1 controls (0x9B), and as C1
 * controls in UTF-8 (C2 9B). A sequence is held back until it is complete and then passed on whole or dropped;
 * text passes at once, byte for byte. Dropped: ENQ (answerback), DECID (ESC Z, 0x9A) and the control sequences,
 * strings and device control strings that make a terminal answer ({@link #isQueryCsi}, {@link #isQueryOsc},
 * {@link #isQueryDcs}, {@link #isQueryApc}). Nothing that is dropped may join what came before it to what comes
 * after into a new query, so a sequence cut short (by ESC, CAN, SUB or a C1 control) is dropped too, but for its
 * C0 controls (a terminal acts on nothing else of it), and a string that went out is closed (ST) before a sequence
 * that ended it is dropped. A sequence too long to hold is judged by what it showed, and dropped while it could
 * still be a query.
 *
 * <p>Not thread-safe: one filter per replay, used by the thread that sends that replay.
 */
public final class QueryFilter {
    /** Longer sequences are not held whole; a query is far shorter (OSC 4 asking for 16 colours: some 90 bytes). */
    static final int MAX_HELD = 512;

    private static final int ENQ = 0x05;
    private static final int BEL = 0x07;
    private static final int CAN = 0x18;
    private static final int SUB = 0x1a;
    private static final int ESC = 0x1b;
    private static final int DEL = 0x7f;
    private static final int C1_DCS = 0x90;
    private static final int C1_SOS = 0x98;
    private static final int C1_DECID = 0x9a;
    private static final int C1_CSI = 0x9b;
    private static final int C1_ST = 0x9c;
    private static final int C1_OSC = 0x9d;
    private static final int C1_PM = 0x9e;
    private static final int C1_APC = 0x9f;
    /** The lead byte of U+0080-U+00BF in UTF-8, and so of the C1 controls. */
    private static final int UTF8_C1_LEAD = 0xc2;

    /** The final bytes of the control sequences that may ask something ({@link #isQueryCsi}). */
    private static final String QUERY_CSI_FINALS = "ncxqtmuSpwyv|R";
    /** XTWINOPS reports: window state, position, sizes, icon label and title. */
    private static final Set<Integer> WINDOW_REPORTS = Set.of(11, 13, 14, 15, 16, 18, 19, 20, 21);
    /** OSCs that answer with no '?' in them (xterm's XTQALLOWED and kin). */
    private static final Set<Integer> OSC_ALWAYS_QUERIES = Set.of(60, 61, 62);
    /** OSCs that have query forms: colours, the clipboard, kitty's colour protocol, iTerm2's reports. */
    private static final Set<Integer> OSC_WITH_QUERIES = Set.of(4, 5, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 52, 60, 61, 62, 1337);

    private enum State {
        /** Text: passed on at once. */
        GROUND,
        /** After ESC, maybe with intermediate bytes: held. */
        ESCAPE,
        /** A control sequence, up to its final byte: held. */
        CSI,
        /** A control sequence too long to hold: dropped up to its final byte. */
        SKIP_CSI,
        /** A device control string's parameters, up to its final byte: held. */
        DCS_HEAD,
        /** An OSC or APC string, judged at its end: held. */
        STRING,
        /** A string judged harmless: passed on up to its end. */
        PASS_STRING,
        /** A string that asks something: dropped up to its end. */
        SKIP_STRING
    }

    private State state = State.GROUND;
    /** The sequence being held, from its introducer on. */
    private final byte[] held = new byte[MAX_HELD];
    private int heldLength;
    /** Bytes of the introducer at the start of {@link #held} (ESC [ and C2 9B are two, 9B one). */
    private int introducerLength;
    /** In {@link State#ESCAPE}: whether an intermediate byte came (then '[' and the like are final bytes). */
    private boolean intermediates;
    /** A string went out without its terminator yet: what ends it in the input may be dropped, so it is closed here. */
    private boolean stringOpen;
    /** In {@link State#ESCAPE}: the ESC ended a string that was dropped; if it is ESC \ (ST), it goes with that string. */
    private boolean droppedBeforeEscape;
    /** Continuation bytes still due of a UTF-8 character: 0x80-0x9F among them are text, not C1 controls. */
    private int utf8Due;
    /** A C2 byte, held until the next one says whether the two are a C1 control. */
    private boolean leadHeld;
    /** Whether the byte being sorted continues a UTF-8 character of the input. */
    private boolean continuing;
    /** Continuation bytes that the last UTF-8 character that went out still needs: what a terminal's decoder waits for. */
    private int outputDue;
    /** What passes, gathered over one call: the first {@link #outLength} bytes. */
    private byte[] out = new byte[256];
    private int outLength;

    /** The whole of a bounded replay (a log's tail): what passes, and its {@link #finish}. */
    public static byte[] dropQueries(byte[] output) {
        QueryFilter filter = new QueryFilter();
        filter.pass(output, 0, output.length);
        filter.closeReplay();
        return Arrays.copyOf(filter.out, filter.outLength);
    }

    /** What passes of the next {@code length} bytes; a sequence not finished by their end is held for the next call. */
    public byte[] filter(byte[] bytes, int offset, int length) {
        outLength = 0;
        pass(bytes, offset, length);
        return Arrays.copyOf(out, outLength);
    }

    /**
     * Ends a bounded replay: a string that went out open gets its terminator (ST), so that what the terminal shows
     * next is not taken into it; an unfinished sequence is left out, a last byte of text (C2) is not.
     */
    public byte[] finish() {
        outLength = 0;
        closeReplay();
        return Arrays.copyOf(out, outLength);
    }

    /**
     * The unfinished sequence held at the end of the input so far, as it came. Live output continues exactly
     * there, so a replay ends with these bytes: if they are the start of a query, the guest is asking it now.
     */
    public byte[] unfinished() {
        boolean holding = state == State.ESCAPE || state == State.CSI || state == State.DCS_HEAD || state == State.STRING;
        byte[] sequence = Arrays.copyOf(held, holding ? heldLength : 0);
        if (!leadHeld) {
            return sequence;
        }
        byte[] withLead = Arrays.copyOf(sequence, sequence.length + 1);
        withLead[sequence.length] = (byte) UTF8_C1_LEAD;
        return withLead;
    }

    /** Filters into {@link #out}: plain ASCII text in bulk, everything else byte by byte. */
    private void pass(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int text = i;
            if (state == State.GROUND && !leadHeld && utf8Due == 0) {
                while (text < end && isPlainText(bytes[text])) {
                    text++;
                }
                write(bytes, i, text - i);
            }
            if (text > i) {
                outputDue = 0;
                i = text;
            } else {
                accept(bytes[i++] & 0xff);
            }
        }
    }

    /** What ends a bounded replay: see {@link #finish}. */
    private void closeReplay() {
        if (leadHeld && (state == State.GROUND || state == State.PASS_STRING)) {
            emit(UTF8_C1_LEAD, false);
        }
        closeString();
        heldLength = 0;
        leadHeld = false;
        state = State.GROUND;
    }

    /** Printable ASCII, CR, LF and TAB: text in any state a terminal can be in while the filter is in GROUND. */
    private static boolean isPlainText(byte b) {
        return b >= 0x20 && b < 0x7f || b == '\r' || b == '\n' || b == '\t';
    }

    /** Sorts one byte out: UTF-8 first, which decides whether 0x80-0x9F is a C1 control or part of a character. */
    private void accept(int b) {
        if (leadHeld) {
            leadHeld = false;
            if (b >= 0x80 && b <= 0x9f) {
                utf8Due = 0;
                control1(b, true);
                return;
            }
            other(UTF8_C1_LEAD);
        }
        if (utf8Due > 0 && b >= 0x80 && b <= 0xbf) {
            utf8Due--;
            continuing = true;
            other(b);
            continuing = false;
        } else if (b == UTF8_C1_LEAD) {
            leadHeld = true;
            utf8Due = 1;
        } else if (b >= 0xc3 && b <= 0xf4) {
            utf8Due = utf8Continuations(b);
            other(b);
        } else if (b >= 0x80 && b <= 0x9f) {
            utf8Due = 0;
            control1(b, false);
        } else if (b >= 0x80) {
            utf8Due = 0;
            other(b);
        } else {
            utf8Due = 0;
            ascii(b);
        }
    }

    /** A byte of a UTF-8 character (or of none): text, or a part of the sequence it is in. */
    private void other(int b) {
        switch (state) {
            case GROUND, PASS_STRING -> emit(b, continuing);
            case SKIP_CSI, SKIP_STRING -> { }
            default -> hold(b);
        }
    }

    /** A 7-bit byte: text, a C0 control, or a part of a sequence. */
    private void ascii(int b) {
        if (b == ENQ) {
            return;  // answerback: a terminal answers it wherever it comes, even inside a sequence
        }
        if (b == ESC) {
            boolean dropped = end();
            start(State.ESCAPE, new byte[] {(byte) b});
            droppedBeforeEscape = dropped;
            return;
        }
        if (b == CAN || b == SUB) {
            end();
            emit(b, false);  // a terminal abandons a string here too: nothing is left open
            stringOpen = false;
            return;
        }
        switch (state) {
            case GROUND -> emit(b, false);
            case ESCAPE -> escape(b);
            case CSI -> {
                hold(b);
                if (state == State.CSI && isFinal(b)) {
                    settle(isQueryCsi(sequence()));
                }
            }
            case SKIP_CSI -> {
                if (isFinal(b)) {
                    state = State.GROUND;
                } else if (b < 0x20) {
                    emit(b, false);
                }
            }
            case DCS_HEAD -> {
                hold(b);
                if (state == State.DCS_HEAD && isFinal(b)) {
                    judgeDcs();
                }
            }
            case STRING, PASS_STRING, SKIP_STRING -> {
                if (b == BEL) {
                    terminate(new byte[] {(byte) b});
                } else {
                    other(b);
                }
            }
        }
    }

    /**
     * After ESC: C0 controls (acted on inside it), intermediates, then the introducer of a longer sequence or the
     * final byte. The first of these says whether the ESC was the terminator of a string that came before (ESC \).
     */
    private void escape(int b) {
        if (b < 0x20 || b == DEL) {
            hold(b);
            return;
        }
        if (!intermediates && b == '\\') {
            hold(b);
            settle(droppedBeforeEscape && !stringOpen);
            stringOpen = false;
            return;
        }
        if (!intermediates) {
            closeString();
        }
        hold(b);
        if (state != State.ESCAPE) {
            return;
        }
        if (b <= 0x2f) {
            intermediates = true;
        } else if (intermediates) {
            settle(false);
        } else {
            introduced(b);
        }
    }

    /** ESC and one byte: the introducer of a longer sequence ([ ] P X ^ _) or a whole escape sequence; ESC Z (DECID) asks. */
    private void introduced(int b) {
        introducerLength = 2;
        switch (b) {
            case '[' -> state = State.CSI;
            case ']', '_' -> state = State.STRING;
            case 'P' -> state = State.DCS_HEAD;
            case 'X', '^' -> passString();
            default -> settle(b == 'Z');
        }
    }

    /** A C1 control, raw or in UTF-8: it ends a string (ST) or whatever sequence was under way, and may start one. */
    private void control1(int c, boolean utf8) {
        byte[] bytes = utf8 ? new byte[] {(byte) UTF8_C1_LEAD, (byte) c} : new byte[] {(byte) c};
        if (c == C1_ST && (state == State.STRING || state == State.PASS_STRING || state == State.SKIP_STRING)) {
            terminate(bytes);
            return;
        }
        end();
        closeString();
        switch (c) {
            case C1_CSI -> start(State.CSI, bytes);
            case C1_DCS -> start(State.DCS_HEAD, bytes);
            case C1_OSC, C1_APC -> start(State.STRING, bytes);
            case C1_SOS, C1_PM -> {
                start(State.STRING, bytes);
                passString();
            }
            case C1_DECID -> { }
            default -> emit(bytes, bytes.length);
        }
    }

    /**
     * Whatever sequence is under way ends here, unfinished (at ESC, CAN, SUB or a C1 control): a terminal acts on
     * no part of an unfinished control sequence but its C0 controls, and takes a string for ended. True if that
     * string was dropped.
     */
    private boolean end() {
        return switch (state) {
            case ESCAPE, CSI, DCS_HEAD -> {
                settle(true);
                yield false;
            }
            case STRING -> endString();
            case SKIP_STRING -> {
                state = State.GROUND;
                yield true;
            }
            default -> {
                state = State.GROUND;
                yield false;
            }
        };
    }

    /** Starts holding a sequence at its introducer. */
    private void start(State next, byte[] introducer) {
        System.arraycopy(introducer, 0, held, 0, introducer.length);
        heldLength = introducer.length;
        introducerLength = introducer.length;
        intermediates = false;
        droppedBeforeEscape = false;
        state = next;
    }

    /** Holds one more byte of the sequence; a sequence that outgrows {@link #held} is judged by what it showed. */
    private void hold(int b) {
        if (heldLength < held.length) {
            held[heldLength++] = (byte) b;
        } else if (state == State.STRING && !isQueryString(false)) {
            passString();
            emit(b, continuing);
        } else if (state == State.STRING || state == State.DCS_HEAD) {
            heldLength = 0;
            state = State.SKIP_STRING;
        } else {
            settle(true);
            state = isFinal(b) ? State.GROUND : State.SKIP_CSI;
        }
    }

    /**
     * The held sequence is complete, or abandoned: passed on whole, or dropped ({@code drop}) but for the C0
     * controls inside an escape or control sequence, which a terminal acts on wherever they come.
     */
    private void settle(boolean drop) {
        if (!drop) {
            emit(held, heldLength);
        } else if (state == State.ESCAPE || state == State.CSI) {
            for (int i = introducerLength; i < heldLength; i++) {
                if (held[i] >= 0 && held[i] < 0x20) {
                    emit(held[i], false);
                }
            }
        }
        heldLength = 0;
        state = State.GROUND;
    }

    /** Passes the string held so far and the rest of it as it comes (SOS, PM, a DCS or string judged harmless). */
    private void passString() {
        emit(held, heldLength);
        heldLength = 0;
        state = State.PASS_STRING;
        stringOpen = true;
    }

    /** At a DCS's final byte, before its data: a request is dropped to its end, anything else passes. */
    private void judgeDcs() {
        if (isQueryDcs(sequence())) {
            heldLength = 0;
            state = State.SKIP_STRING;
        } else {
            passString();
        }
    }

    /** A string's terminator (BEL, ST): it goes with the string it ends, or not. */
    private void terminate(byte[] terminator) {
        boolean dropped = state == State.SKIP_STRING || state == State.STRING && endString();
        if (!dropped) {
            emit(terminator, terminator.length);
        }
        stringOpen = false;
        state = State.GROUND;
    }

    /** An OSC or APC string held whole has ended: dropped if it asks, otherwise passed, still open. True if dropped. */
    private boolean endString() {
        boolean query = isQueryString(true);
        settle(query);
        stringOpen = !query;
        return query;
    }

    /** Ends a string that went out without its terminator, before what comes next. */
    private void closeString() {
        if (stringOpen) {
            emit(ESC, false);
            emit('\\', false);
            stringOpen = false;
        }
    }

    /** Sends bytes that came together (a sequence): within them, UTF-8 is as it came. */
    private void emit(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            emit(bytes[i] & 0xff, i > 0);
        }
    }

    /**
     * Sends one byte. A byte 0x80-0xBF that does not continue a character in the input (a C1 control, or a stray
     * byte) would continue one in the output if what broke that character in the input was dropped: a NUL, which
     * terminals ignore, breaks it there too, so that the terminal reads the byte as the filter did.
     */
    private void emit(int b, boolean continues) {
        boolean continuation = b >= 0x80 && b <= 0xbf;
        if (continuation && outputDue > 0 && !continues) {
            write(0);
            outputDue = 0;
        }
        write(b);
        outputDue = continuation ? Math.max(0, outputDue - 1) : utf8Continuations(b);
    }

    private void write(int b) {
        if (outLength == out.length) {
            out = Arrays.copyOf(out, out.length * 2);
        }
        out[outLength++] = (byte) b;
    }

    private void write(byte[] bytes, int offset, int length) {
        if (outLength + length > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLength + length));
        }
        System.arraycopy(bytes, offset, out, outLength, length);
        outLength += length;
    }

    /** How many continuation bytes follow {@code lead} in UTF-8; 0 for a byte that leads none. */
    private static int utf8Continuations(int lead) {
        return lead >= 0xf0 && lead <= 0xf4 ? 3 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xc2 && lead <= 0xdf ? 1 : 0;
    }

    /** The held sequence after its introducer, as text (one character per byte), without C0 controls and DEL. */
    private String sequence() {
        StringBuilder b = new StringBuilder(heldLength);
        for (int i = introducerLength; i < heldLength; i++) {
            int c = held[i] & 0xff;
            if (c >= 0x20 && c != DEL) {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private boolean isQueryString(boolean complete) {
        byte introducer = held[introducerLength - 1];
        String payload = sequence();
        return introducer == ']' || introducer == (byte) C1_OSC ? isQueryOsc(payload, complete) : isQueryApc(payload, complete);
    }

    private static boolean isFinal(int b) {
        return b >= 0x40 && b <= 0x7e;
    }

    /**
     * Whether a control sequence (after its CSI) makes the terminal answer: DSR and DECXCPR (n), DA 1, 2 and 3 (c),
     * DECRQM ($p), DECREQTPARM (x), XTVERSION (&gt;q), XTWINOPS reports (11, 13-16, 18-21 t), XTQMODKEYS (?m), the
     * kitty keyboard query (?u), DECRQTSR ($u), DECRQUPSS (&amp;u), DECRQPSR ($w), DECRQCRA (*y), DECRQDE ("v),
     * XTSMGRAPHICS (?S), XTREPORTSGR (#|) and XTREPORTCOLORS (#R).
     */
    static boolean isQueryCsi(String body) {
        int end = body.length() - 1;
        if (end < 0 || QUERY_CSI_FINALS.indexOf(body.charAt(end)) < 0) {
            return false;  // most of them: colours, cursor moves, erasing
        }
        char last = body.charAt(end);
        char marker = end > 0 && body.charAt(0) >= '<' && body.charAt(0) <= '?' ? body.charAt(0) : 0;
        String intermediates = intermediates(body);
        if (!intermediates.isEmpty()) {
            return switch (intermediates + last) {
                case "$p", "$u", "&u", "$w", "*y", "\"v", "#|", "#R" -> true;
                default -> false;
            };
        }
        return switch (last) {
            case 'n' -> marker != '>';
            case 'c' -> true;
            case 'x' -> marker == 0;
            case 'q' -> marker == '>';
            case 't' -> marker == 0 && WINDOW_REPORTS.contains(firstNumber(body));
            case 'm', 'u', 'S' -> marker == '?';
            default -> false;
        };
    }

    /**
     * Whether an OSC string (after its introducer, without its terminator) asks: a field that is "?" (OSC 4, 5,
     * 10-19, 52...) or ends in "=?" (kitty's OSC 21), OSC 60-62, iTerm2's reports; not a title (OSC 0-2), whatever
     * it says. {@code complete} is false for a string too long to hold: then it asks unless its number is known
     * and has no query form.
     */
    static boolean isQueryOsc(String payload, boolean complete) {
        int semicolon = payload.indexOf(';');
        int number = firstNumber(payload);
        if (!complete) {
            return semicolon < 0 || OSC_WITH_QUERIES.contains(number);
        }
        if (number >= 0 && number <= 2) {
            return false;
        }
        String data = semicolon < 0 ? "" : payload.substring(semicolon + 1);
        if (OSC_ALWAYS_QUERIES.contains(number)
                || number == 1337 && (data.startsWith("Report") || data.startsWith("RequestUpload"))) {
            return true;
        }
        for (String field : data.split(";", -1)) {
            if (field.equals("?") || field.endsWith("=?")) {
                return true;
            }
        }
        return false;
    }

    /** Whether a DCS (its parameters, intermediates and final byte) asks: DECRQSS ($q), XTGETTCAP (+q), XTGETXRES (+Q). */
    static boolean isQueryDcs(String head) {
        String intermediates = intermediates(head);
        char last = head.charAt(head.length() - 1);
        return intermediates.equals("$") && last == 'q' || intermediates.equals("+") && (last == 'q' || last == 'Q');
    }

    /**
     * Whether an APC string asks: a kitty graphics command ("G" then keys, ';', data) is answered unless its keys
     * say q=2. {@code complete} is false for a string too long to hold, which asks unless its keys were all seen.
     */
    static boolean isQueryApc(String payload, boolean complete) {
        if (!payload.startsWith("G")) {
            return false;
        }
        int semicolon = payload.indexOf(';');
        if (!complete && semicolon < 0) {
            return true;
        }
        String keys = semicolon < 0 ? payload.substring(1) : payload.substring(1, semicolon);
        return !Arrays.asList(keys.split(",")).contains("q=2");
    }

    /** The intermediate bytes (space to '/') of a sequence's body, before its final byte. */
    private static String intermediates(String body) {
        StringBuilder intermediates = new StringBuilder(2);
        for (int i = 0; i < body.length() - 1; i++) {
            if (body.charAt(i) >= ' ' && body.charAt(i) <= '/') {
                intermediates.append(body.charAt(i));
            }
        }
        return intermediates.toString();
    }

    /** The leading decimal number of {@code text}, or -1 if it does not start with a digit. */
    private static int firstNumber(String text) {
        int value = -1;
        for (int i = 0; i < text.length() && Character.isDigit(text.charAt(i)); i++) {
            value = Math.min(100_000, Math.max(value, 0) * 10 + text.charAt(i) - '0');
        }
        return value;
    }
}
