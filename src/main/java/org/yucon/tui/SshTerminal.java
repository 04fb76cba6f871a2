package org.yucon.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.BasicCharacterPattern;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.terminal.ansi.ANSITerminal;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Lanterna terminal over one SSH channel. Its size comes from the client (pty-req, then window-change), never
 * from a cursor-position query, and it touches no tty or signal of the JVM's own. Input is whatever the session
 * puts into its {@link KeyFeed}. Used by the session's thread only.
 */
public final class SshTerminal extends ANSITerminal {
    private final KeyFeed keys;
    private TerminalSize size;

    public SshTerminal(KeyFeed keys, OutputStream out, int columns, int rows) {
        // UTF_8 itself: Lanterna compares the charset by identity to decide whether it may draw boxes.
        super(keys, out, StandardCharsets.UTF_8);
        this.keys = keys;
        this.size = new TerminalSize(columns, rows);
        // SSH clients send a bare CR for Enter; Lanterna knows only LF and CR NUL.
        getInputDecoder().addProfile(() -> List.of(new BasicCharacterPattern(new KeyStroke(KeyType.Enter), '\r')));
    }

    public KeyFeed keys() {
        return keys;
    }

    @Override
    protected TerminalSize findTerminalSize() {
        return size;
    }

    /** The client's window changed. */
    public void resized(int columns, int rows) {
        size = new TerminalSize(columns, rows);
        onResized(size);
    }
}
