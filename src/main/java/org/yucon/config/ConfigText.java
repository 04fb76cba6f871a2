package org.yucon.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a configuration file as UTF-8 text, or says in one sentence why it cannot: which line holds the first
 * byte that is not UTF-8, rather than the decoder's "Input length = 1".
 */
public final class ConfigText {
    private ConfigText() {
    }

    public static String read(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, "no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file, 0, "cannot be read: permission denied");
        } catch (IOException e) {
            throw new ConfigException(file, 0, "cannot be read (" + e.getMessage() + ")");
        }
        return decode(file, bytes);
    }

    static String decode(Path file, byte[] bytes) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            throw new ConfigException(file, lineOf(bytes, at), String.format(
                    "not UTF-8 text (byte 0x%02x at column %d)", bytes[at] & 0xff, columnOf(bytes, at)));
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    private static int lineOf(byte[] bytes, int at) {
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int columnOf(byte[] bytes, int at) {
        int start = at;
        while (start > 0 && bytes[start - 1] != '\n') {
            start--;
        }
        return at - start + 1;
    }
}
