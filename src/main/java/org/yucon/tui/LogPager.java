package org.yucon.tui;

import com.googlecode.lanterna.input.KeyStroke;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.yucon.console.QueryFilter;

/**
 * A small pager over the end of a guest's console log, for one viewer: it opens on the last screenful;
 * {@code b} or PageUp goes back, space or PageDown forward, the arrows a line, {@code q} closes. The log holds the
 * guest's raw output, so terminal queries ({@link QueryFilter}), other escape sequences and control characters
 * are dropped and every line is plain text.
 * Drawn by the session's steps only, one at a time; it shows the log as it was when opened.
 */
public final class LogPager {
    /** CSI and OSC sequences, and two-byte escapes (charset selection, keypad modes...). */
    private static final Pattern ESCAPES = Pattern.compile(
            "\u001b\\[[0-?]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)?|\u001b[ -~]?");
    private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f]");

    private final SshTerminal terminal;
    private final RowScreen screen;
    private final String name;
    private final List<String> lines;
    /** Index of the first line shown. */
    private int top;

    /** {@code output}: the end of the log of guest {@code name}, as read from its file. */
    public LogPager(SshTerminal terminal, String name, byte[] output) throws IOException {
        this.terminal = terminal;
        this.screen = new RowScreen(terminal);
        this.name = name;
        this.lines = lines(output);
    }

    /** Takes the screen (alternate buffer) on the last screenful. */
    public void show() throws IOException {
        screen.start();
        top = Integer.MAX_VALUE;  // drawing clamps it to the last screenful
        draw();
    }

    /** Gives the screen back: the terminal shows the console as it was when the pager opened. */
    public void hide() throws IOException {
        screen.stop();
    }

    public void resized(int columns, int rows) throws IOException {
        terminal.resized(columns, rows);
        screen.forget();
        draw();
    }

    /** Handles every key decoded so far; false once the viewer closed the pager. */
    public boolean keys() throws IOException {
        KeyStroke key;
        while ((key = terminal.pollInput()) != null) {
            if (!handle(key)) {
                return false;
            }
        }
        draw();
        return true;
    }

    private boolean handle(KeyStroke key) {
        int page = page();
        switch (key.getKeyType()) {
            case PageUp: top -= page; return true;
            case PageDown: top += page; return true;
            case ArrowUp: top--; return true;
            case ArrowDown: top++; return true;
            case EOF: return false;
            case Character:
                switch (key.getCharacter()) {
                    case 'b': top -= page; return true;
                    case ' ': top += page; return true;
                    case 'q': return false;
                    default: return true;
                }
            default: return true;
        }
    }

    private void draw() throws IOException {
        Frame frame = new Frame(terminal.size());
        int page = page();
        top = Math.max(0, Math.min(top, lines.size() - page));
        for (int row = 0; row < page && top + row < lines.size(); row++) {
            frame.put(row, lines.get(top + row));
        }
        String where = lines.isEmpty() ? "empty" : "lines " + (top + 1) + "-" + Math.min(lines.size(), top + page)
                + " of " + lines.size();
        frame.put(page, name + ".log, " + where + "  b back, space forward, q back to the console", Frame.Style.REVERSE);
        screen.draw(frame);
    }

    /** Rows of log text: all but the status line. */
    private int page() {
        return Math.max(1, terminal.size().getRows() - 1);
    }

    /**
     * The plain text of console output, line by line: escape sequences dropped (queries whole, with what they ask),
     * a carriage return in the middle of a line keeping what was written over it (a progress bar's last state),
     * tabs expanded.
     */
    static List<String> lines(byte[] raw) {
        String text = ESCAPES.matcher(new String(QueryFilter.dropQueries(raw), StandardCharsets.UTF_8)).replaceAll("");
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String shown = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            shown = shown.substring(shown.lastIndexOf('\r') + 1);
            lines.add(CONTROLS.matcher(expandTabs(shown)).replaceAll(""));
        }
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);  // the text ended with a newline
        }
        return lines;
    }

    private static String expandTabs(String line) {
        if (line.indexOf('\t') < 0) {
            return line;
        }
        StringBuilder b = new StringBuilder();
        for (char c : line.toCharArray()) {
            if (c == '\t') {
                b.append(" ".repeat(8 - b.length() % 8));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
