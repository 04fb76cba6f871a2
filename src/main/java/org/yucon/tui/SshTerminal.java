package org.yucon.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.BasicCharacterPattern;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.terminal.ansi.ANSITerminal;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Lanterna terminal over one SSH channel. Its size comes from the client (pty-req, then window-change), never
 * from a cursor-position query, and it touches no tty or signal of the JVM's own. Input is whatever the session
 * puts into its {@link KeyFeed}. Used by the session's steps only, one at a time.
 */
public final class SshTerminal extends ANSITerminal {
    private static final byte[] ERASE_TO_END_OF_ROW = "\u001b[K".getBytes(StandardCharsets.US_ASCII);

    private final KeyFeed keys;
    private TerminalSize size;

    /**
     * @param utf8 whether the client's locale is UTF-8; if not, everything drawn is plain ASCII (other characters
     *             become '?'), so that a client in another locale never gets bytes it would misread
     */
    public SshTerminal(KeyFeed keys, OutputStream out, int columns, int rows, boolean utf8) {
        super(keys, out, utf8 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII);
        this.keys = keys;
        this.size = new TerminalSize(columns, rows);
        // SSH clients send a bare CR for Enter; Lanterna knows only LF and CR NUL.
        getInputDecoder().addProfile(() -> List.of(new BasicCharacterPattern(new KeyStroke(KeyType.Enter), '\r')));
    }

    /**
     * Writes a row's text in one piece, in the client's charset: a character outside it becomes '?'. Not
     * Lanterna's putString, which writes character by character and, in 3.1.3, sends each non-ASCII character in
     * UTF-8 as the encoder's whole backing array, NUL bytes and all. The text holds no control characters.
     */
    public void putText(String text) throws IOException {
        writeToTerminal(text.getBytes(getCharset()));
    }

    /** Erases from the cursor to the end of its row (EL). */
    public void eraseToEndOfRow() throws IOException {
        writeToTerminal(ERASE_TO_END_OF_ROW);
    }

    public KeyFeed keys() {
        return keys;
    }

    /** The client's window, as it last said. */
    public TerminalSize size() {
        return size;
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
