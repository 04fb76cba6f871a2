package org.yucon.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.BasicCharacterPattern;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.terminal.ansi.ANSITerminal;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Lanterna terminal over one SSH channel. Its size comes from the client (pty-req, then window-change), never
 * from a cursor-position query, and it touches no tty or signal of the JVM's own. Input is whatever the session
 * puts into its {@link KeyFeed}. Used by the session's steps only, one at a time.
 */
public final class SshTerminal extends ANSITerminal {
    private final KeyFeed keys;
    private final boolean utf8;
    private TerminalSize size;

    /**
     * @param utf8 whether the client's locale is UTF-8; if not, everything drawn is plain ASCII (other characters
     *             become '?'), so that a client in another locale never gets bytes it would misread
     */
    public SshTerminal(KeyFeed keys, OutputStream out, int columns, int rows, boolean utf8) {
        // UTF_8 itself: Lanterna compares the charset by identity to decide whether it may draw boxes.
        super(keys, out, utf8 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII);
        this.keys = keys;
        this.utf8 = utf8;
        this.size = new TerminalSize(columns, rows);
        // SSH clients send a bare CR for Enter; Lanterna knows only LF and CR NUL.
        getInputDecoder().addProfile(() -> List.of(new BasicCharacterPattern(new KeyStroke(KeyType.Enter), '\r')));
    }

    /**
     * Lanterna 3.1.3 sends a UTF-8 character as the encoder's whole backing array, which ends in NUL bytes for
     * anything beyond ASCII; only the encoded bytes go out here.
     */
    @Override
    protected byte[] translateCharacter(char input) {
        if (!utf8) {
            return super.translateCharacter(input);
        }
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(Character.toString(input));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
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
