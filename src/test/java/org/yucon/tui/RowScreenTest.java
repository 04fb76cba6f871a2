package org.yucon.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.googlecode.lanterna.TerminalSize;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RowScreenTest {
    private static final String ESC = "\u001b";
    private static final TerminalSize SIZE = new TerminalSize(10, 4);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final RowScreen screen = new RowScreen(new SshTerminal(new KeyFeed(), out, 10, 4, true));

    @Test
    void theFirstFrameClearsTheScreenAndSendsItsRowsThatAreNotBlank() throws IOException {
        screen.start();
        sent();

        screen.draw(frame("menu", "", "options"));

        assertEquals(ESC + "[2J" + ESC + "[1;1Hmenu" + ESC + "[K" + ESC + "[3;1Hoptions" + ESC + "[K", sent());
    }

    @Test
    void anEqualFrameSendsNothingAndAChangedOneOnlyItsChangedRows() throws IOException {
        screen.draw(frame("menu", "a", "options"));
        sent();

        screen.draw(frame("menu", "a", "options"));
        assertEquals("", sent(), "nothing changed");

        screen.draw(frame("menu", "b", "options"));
        assertEquals(ESC + "[2;1Hb" + ESC + "[K", sent(), "the one row that changed");

        screen.draw(frame("menu", "b"));
        assertEquals(ESC + "[3;1H" + ESC + "[K", sent(), "a row that became blank is erased");
    }

    @Test
    void aStyledRowIsStyledOverItsTextOnly() throws IOException {
        screen.draw(frame("x"));
        sent();
        Frame frame = frame("x");
        frame.put(1, "-->uml1", Frame.Style.REVERSE);

        screen.draw(frame);

        assertEquals(ESC + "[2;1H" + ESC + "[7m-->uml1" + ESC + "[0m" + ESC + "[K", sent());
    }

    @Test
    void rowsAreCutAtTheEdgeAndAFullRowIsNotErasedAfter() throws IOException {
        screen.draw(frame("x"));
        sent();

        screen.draw(frame("0123456789abc"));

        assertEquals(ESC + "[1;1H0123456789", sent(), "an erase with the cursor on the last column would take the 9");
    }

    @Test
    void aWideCharacterTakesTwoColumns() throws IOException {
        screen.draw(frame("x"));
        sent();

        screen.draw(frame("日本語のログです"));

        assertEquals(ESC + "[1;1H日本語のロ", sent(), "five wide characters fill ten columns");
    }

    /** A guest's hostname or the log may carry controls in any form; none reaches the terminal, each shows as '?'. */
    @Test
    void controlsOfEveryKindAreShownAsQuestionMarks() throws IOException {
        screen.draw(frame("x"));
        sent();

        screen.draw(frame("a" + ESC + "[2J", "b\u009b2J", "c\u202ed\u2066e", "f\u200fg\u061ch"));

        assertEquals(ESC + "[1;1Ha?[2J" + ESC + "[K" + ESC + "[2;1Hb?2J" + ESC + "[K" + ESC + "[3;1Hc?d?e" + ESC + "[K"
                + ESC + "[4;1Hf?g?h" + ESC + "[K", sent());
    }

    @Test
    void aForgottenScreenIsClearedAndDrawnWholeWithTheNextFrame() throws IOException {
        screen.draw(frame("menu", "a"));
        sent();

        screen.forget();
        screen.draw(frame("menu", "a"));

        assertEquals(ESC + "[2J" + ESC + "[1;1Hmenu" + ESC + "[K" + ESC + "[2;1Ha" + ESC + "[K", sent());
    }

    private static Frame frame(String... rows) {
        Frame frame = new Frame(SIZE);
        for (int i = 0; i < rows.length; i++) {
            frame.put(i, rows[i]);
        }
        return frame;
    }

    /** What the screen sent since the last call. */
    private String sent() {
        String text = out.toString(StandardCharsets.UTF_8);
        out.reset();
        return text;
    }
}
