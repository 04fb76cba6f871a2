package org.yucon.tui;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TerminalSize;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a full-screen view shows at one moment: one line of text per row, each row in one style, rows not set
 * blank. Views put their rows here; a {@link RowScreen} sends the ones the client does not show yet.
 */
final class Frame {
    /** How a row's text is drawn. */
    enum Style {
        PLAIN(Optional.empty()), BOLD(Optional.of(SGR.BOLD)), REVERSE(Optional.of(SGR.REVERSE));

        private final Optional<SGR> sgr;

        Style(Optional<SGR> sgr) {
            this.sgr = sgr;
        }

        Optional<SGR> sgr() {
            return sgr;
        }
    }

    /** One row: its text from the first column (cut at the screen's edge when drawn) and its style. */
    record Row(String text, Style style) {
        static final Row BLANK = new Row("", Style.PLAIN);
    }

    private final int columns;
    private final Row[] rows;

    Frame(TerminalSize size) {
        this.columns = size.getColumns();
        this.rows = new Row[size.getRows()];
        Arrays.fill(rows, Row.BLANK);
    }

    int columns() {
        return columns;
    }

    int rows() {
        return rows.length;
    }

    Row row(int index) {
        return rows[index];
    }

    void put(int row, String text) {
        put(row, text, Style.PLAIN);
    }

    /** Sets a whole row; a row off the screen (a small window) is left out, as a terminal would. */
    void put(int row, String text, Style style) {
        if (row >= 0 && row < rows.length) {
            rows[row] = new Row(text, style);
        }
    }
}
