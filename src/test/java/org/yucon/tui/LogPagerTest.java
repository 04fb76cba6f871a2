package org.yucon.tui;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pager shows the console log as plain text: what a terminal would have left on each line. */
class LogPagerTest {
    @Test
    void crLfEndsALineAndAFinalNewlineAddsNone() {
        assertEquals(List.of("uml1 login: root", "uml1:/root# ls"), lines("uml1 login: root\r\numl1:/root# ls\r\n"));
    }

    @Test
    void anUnfinishedLastLineIsShown() {
        assertEquals(List.of("a", "uml1:/root# "), lines("a\r\numl1:/root# "));
    }

    @Test
    void colourAndCursorSequencesAreDropped() {
        assertEquals(List.of("bin  etc", "title gone"), lines("\u001b[1;34mbin\u001b[0m  etc\u001b[K\r\n\u001b]0;uml1\u0007title gone\n"));
    }

    @Test
    void aCarriageReturnInsideALineKeepsWhatWasWrittenOverIt() {
        assertEquals(List.of("100%"), lines(" 50%\r100%\r\n"));
    }

    @Test
    void tabsAreExpandedAndOtherControlsDropped() {
        assertEquals(List.of("a       b", "bell"), lines("a\tb\r\nbe\u0007ll\u0008\n"));
    }

    /** Nothing of a terminal query is left to act: the screen gets plain text only (RowScreen shows C1 as '?'). */
    @Test
    void terminalQueriesAreDroppedWithTheOtherSequences() {
        assertEquals(List.of("uml1:/root# ", "login: ", "x"),
                lines("uml1:/root# \u001b[6n\r\nlogin: \u001b[c\u001b]11;?\u0007\u001bP$qm\u001b\\\u001b[>q\r\nx\u0005\n"));
    }

    @Test
    void emptyLinesStay() {
        assertEquals(List.of("", "x", ""), lines("\r\nx\r\n\r\n"));
    }

    private static List<String> lines(String raw) {
        return LogPager.lines(raw.getBytes(UTF_8));
    }
}
