package org.yucon.tui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.googlecode.lanterna.input.KeyType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SshTerminalTest {
    @Test
    void aClientOutsideUtf8GetsPlainAscii() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SshTerminal terminal = new SshTerminal(new KeyFeed(), out, 80, 24, false);
        terminal.putText("café");
        terminal.flush();
        assertArrayEquals("caf?".getBytes(StandardCharsets.US_ASCII), out.toByteArray());
    }

    @Test
    void aUtf8ClientGetsUtf8() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SshTerminal terminal = new SshTerminal(new KeyFeed(), out, 80, 24, true);
        terminal.putText("café");
        terminal.flush();
        assertArrayEquals("café".getBytes(StandardCharsets.UTF_8), out.toByteArray(), "no stray NUL after é");
    }

    @Test
    void aBareCarriageReturnIsEnter() throws IOException {
        KeyFeed keys = new KeyFeed();
        SshTerminal terminal = new SshTerminal(keys, new ByteArrayOutputStream(), 80, 24, true);
        keys.add(new byte[] {'\r'}, 0, 1);
        assertEquals(KeyType.Enter, terminal.pollInput().getKeyType());
    }
}
