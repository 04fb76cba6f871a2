package org.yucon.tui;

import com.googlecode.lanterna.TerminalTextUtils;
import java.io.IOException;
import java.util.Arrays;
import org.yucon.util.Printable;

/**
 * A full-screen view over an {@link SshTerminal} (the alternate screen, no cursor), drawn a {@link Frame} at a
 * time: only the rows that differ from what the client shows already are sent, each as a cursor move, its text
 * and an erase to the end of the row, all in one flush. A frame equal to the last one sends nothing.
 *
 * <p>The menus need no more, and this spares them Lanterna's Screen, whose every refresh compares the whole screen
 * cell by cell and asks of each cell whether it holds a CJK character (Character.UnicodeBlock.of, twice per cell):
 * half of the CPU of 1,000 idle menus in BENCHMARKS.md. Here Lanterna's width rules (a CJK character takes two
 * columns) are asked only for a row that is not plain ASCII. Rows hold text that guests chose (a hostname, task
 * names, the log): every row is made {@link Printable} here, the one way text reaches the menus and the pager.
 * Used by the session's steps only.
 */
final class RowScreen {
    private final SshTerminal terminal;
    /** What the client shows, row by row; empty while unknown (not started yet, or since {@link #forget}). */
    private Frame.Row[] shown = new Frame.Row[0];
    private int shownColumns;

    RowScreen(SshTerminal terminal) {
        this.terminal = terminal;
    }

    /** Takes the alternate screen; the first frame is drawn whole. */
    void start() throws IOException {
        terminal.enterPrivateMode();
        terminal.setCursorVisible(false);
        forget();
    }

    /** Gives the screen back: the client shows again what it showed before {@link #start}. */
    void stop() throws IOException {
        terminal.exitPrivateMode();
    }

    /** What the client shows is unknown (e.g. its window changed): the next frame clears the screen and is drawn whole. */
    void forget() {
        shown = new Frame.Row[0];
    }

    /** Sends the rows of {@code frame} that the client does not show yet, if any. */
    void draw(Frame frame) throws IOException {
        if (frame.rows() != shown.length || frame.columns() != shownColumns) {
            terminal.clearScreen();
            shown = new Frame.Row[frame.rows()];
            Arrays.fill(shown, Frame.Row.BLANK);
            shownColumns = frame.columns();
        }
        boolean sent = false;
        for (int y = 0; y < shown.length; y++) {
            Frame.Row row = frame.row(y);
            if (!row.equals(shown[y])) {
                paint(y, row);
                shown[y] = row;
                sent = true;
            }
        }
        if (sent) {
            terminal.flush();
        }
    }

    private void paint(int y, Frame.Row row) throws IOException {
        boolean ascii = plainAscii(row.text());
        String text = ascii ? cut(row.text(), shownColumns) : fitWide(row.text(), shownColumns);
        int width = ascii ? text.length() : TerminalTextUtils.getColumnWidth(text);
        terminal.setCursorPosition(0, y);
        if (row.style().sgr().isPresent()) {
            terminal.enableSGR(row.style().sgr().get());
            terminal.putText(text);
            terminal.resetColorAndSGR();
        } else {
            terminal.putText(text);
        }
        // Not after a full row: the cursor then stays on the last column, and an erase would take its character.
        if (width < shownColumns) {
            terminal.eraseToEndOfRow();
        }
    }

    /** Printable ASCII only: one column per character. */
    private static boolean plainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    private static String cut(String text, int columns) {
        return text.length() <= columns ? text : text.substring(0, columns);
    }

    /** Lanterna's cut, which counts a CJK character as two columns; what is not printable becomes '?' first. */
    private static String fitWide(String text, int columns) {
        return TerminalTextUtils.fitString(Printable.of(text), columns);
    }
}
