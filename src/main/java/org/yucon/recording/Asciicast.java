package org.yucon.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.yucon.util.JsonText;

/**
 * The asciicast v2 format (asciinema's): a header object on the first line, then one event a line,
 * {@code [seconds, "o"|"i"|"r", "data"]}. Written and read back here only.
 */
final class Asciicast {
    /** The longest header read back: ours are far shorter. */
    private static final int HEADER_MAX = 4096;
    private static final int TAIL_BLOCK = 64 * 1024;

    /** What the header says about the session: who viewed which guest from where, on which channel. */
    record Header(String guest, String account, String address, String channel, Instant start, int columns, int rows) {
        String line() {
            return "{\"version\":2,\"width\":" + columns + ",\"height\":" + rows
                    + ",\"timestamp\":" + start.getEpochSecond()
                    + ",\"env\":{\"TERM\":\"xterm-256color\"}"
                    + ",\"title\":" + JsonText.string(guest + ": " + account + "@" + address + ", " + channel)
                    + ",\"guest\":" + JsonText.string(guest)
                    + ",\"account\":" + JsonText.string(account)
                    + ",\"address\":" + JsonText.string(address)
                    + ",\"channel\":" + JsonText.string(channel)
                    + ",\"start\":" + JsonText.string(start.toString()) + "}\n";
        }
    }

    private Asciicast() {
    }

    /** What ends an event's line, after the body of its data string. */
    static final byte[] EVENT_END = "\"]\n".getBytes(StandardCharsets.US_ASCII);

    /** An event's line up to the body of its data string: {@code [seconds, "code", "}. */
    static byte[] eventStart(long nanos, char code) {
        return String.format(Locale.ROOT, "[%.6f, \"%c\", \"", nanos / 1e9, code).getBytes(StandardCharsets.US_ASCII);
    }

    /** The header of a recording yucon wrote; empty when the file does not start with one. */
    static Optional<Header> header(Path file) throws IOException {
        byte[] head = new byte[HEADER_MAX];
        int n;
        try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String text = new String(head, 0, n, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        if (end < 0) {
            return Optional.empty();
        }
        String line = text.substring(0, end);
        Optional<String> guest = JsonText.stringValue(line, "guest");
        Optional<String> start = JsonText.stringValue(line, "start");
        if (guest.isEmpty() || start.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Header(guest.get(), JsonText.stringValue(line, "account").orElse("?"),
                JsonText.stringValue(line, "address").orElse("?"), JsonText.stringValue(line, "channel").orElse("?"),
                Instant.parse(start.get()), JsonText.numberValue(line, "width").orElse(80.0).intValue(),
                JsonText.numberValue(line, "height").orElse(24.0).intValue()));
    }

    /** The time of the last event: read backwards from the end to the start of the last line. */
    static Duration length(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            long from = size;
            while (from > 0) {
                from = Math.max(0, from - TAIL_BLOCK);
                ByteBuffer block = ByteBuffer.allocate((int) (size - from));
                channel.read(block, from);
                String tail = new String(block.array(), 0, block.position(), StandardCharsets.UTF_8);
                int lineStart = tail.lastIndexOf("\n[", tail.length() - 2);
                if (lineStart >= 0) {
                    return seconds(tail.substring(lineStart + 2));
                }
            }
            return Duration.ZERO;
        }
    }

    private static Duration seconds(String event) {
        int comma = event.indexOf(',');
        try {
            return Duration.ofNanos((long) (Double.parseDouble(event.substring(0, Math.max(comma, 0))) * 1e9));
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }
}
