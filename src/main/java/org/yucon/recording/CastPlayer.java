package org.yucon.recording;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yucon.console.QueryFilter;
import org.yucon.util.JsonText;

/**
 * Plays a recording on a terminal at its own pace: its {@code o} events, each after the pause that came before it
 * (shortened to {@value #LONGEST_PAUSE_SECONDS} s at most, as {@code asciinema play -i}), at a speed the viewer
 * changes. Reads the file as it goes, so a long recording costs no memory. Terminal queries are left out, as in every
 * replay: the viewer's terminal would answer them as typed. Owned by one thread at a time (a session's steps).
 */
public final class CastPlayer implements AutoCloseable {
    /** What the front does after a key. */
    public enum After { NOTHING, PAUSE, PLAY_ON, STOP }

    /** {@link #play} found no more events. */
    public static final long DONE = -1;
    /** {@link #play} is paused: nothing to schedule until a key. */
    public static final long PAUSED = Long.MAX_VALUE;
    private static final double LONGEST_PAUSE_SECONDS = 3;
    private static final double FASTEST = 16;
    private static final double SLOWEST = 1.0 / 16;
    private static final Pattern OUTPUT = Pattern.compile("^\\[([0-9]+(?:\\.[0-9]+)?), \"o\", \"(.*)\"]$");

    private final BufferedReader in;
    private final OutputStream out;
    private final QueryFilter filter = new QueryFilter();
    private double speed = 1;
    private boolean paused;
    /** The next event, read ahead: its time in the recording and its text; null at the end. */
    private Matcher next;
    private double shownAt;

    public CastPlayer(InputStream recording, OutputStream out) throws IOException {
        this.in = new BufferedReader(new InputStreamReader(recording, StandardCharsets.UTF_8));
        this.out = out;
        in.readLine();
        readNext();
    }

    /** Shows the event that is due; the nanoseconds until the next one, {@link #DONE} or {@link #PAUSED}. */
    public long play() throws IOException {
        if (paused) {
            return PAUSED;
        }
        if (next == null) {
            return DONE;
        }
        byte[] text = text(next);
        byte[] shown = filter.filter(text, 0, text.length);
        out.write(shown);
        out.flush();
        shownAt = time(next);
        readNext();
        if (next == null) {
            return DONE;
        }
        double pause = Math.min(time(next) - shownAt, LONGEST_PAUSE_SECONDS) / speed;
        return (long) (pause * TimeUnit.SECONDS.toNanos(1));
    }

    /** Space pauses and goes on, {@code q} stops, {@code +} and {@code -} double and halve the speed. */
    public After key(byte key) {
        return switch (key) {
            case ' ' -> {
                paused = !paused;
                yield paused ? After.PAUSE : After.PLAY_ON;
            }
            case 'q', 'Q', 3 -> After.STOP;
            case '+' -> {
                speed = Math.min(speed * 2, FASTEST);
                yield After.NOTHING;
            }
            case '-' -> {
                speed = Math.max(speed / 2, SLOWEST);
                yield After.NOTHING;
            }
            default -> After.NOTHING;
        };
    }

    public double speed() {
        return speed;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads on to the next output event; other events (keys, window sizes) are not shown. */
    private void readNext() throws IOException {
        next = null;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            Matcher m = OUTPUT.matcher(line);
            if (m.matches()) {
                next = m;
                return;
            }
        }
    }

    private static double time(Matcher event) {
        return Double.parseDouble(event.group(1));
    }

    private static byte[] text(Matcher event) {
        return JsonText.unescape(event.group(2)).getBytes(StandardCharsets.UTF_8);
    }
}
