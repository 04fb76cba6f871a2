package org.yucon.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Playing a recording: what is shown, the pauses between, and the keys; the front does the waiting. */
class CastPlayerTest {
    private static final String CAST = String.join("\n",
            "{\"version\":2,\"width\":80,\"height\":24}",
            "[0.500000, \"o\", \"login: \"]",
            "[0.700000, \"i\", \"root\\r\"]",
            "[1.000000, \"o\", \"# \\u001b[6n\"]",
            "[1.200000, \"r\", \"100x30\"]",
            "[61.000000, \"o\", \"hello-42\\r\\n\"]",
            "");

    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();

    private CastPlayer player() throws IOException {
        return new CastPlayer(new ByteArrayInputStream(CAST.getBytes(StandardCharsets.UTF_8)), screen);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    @Test
    void outputIsShownWithThePausesBetweenLongOnesShortenedAndWithoutTerminalQueries() throws IOException {
        CastPlayer p = player();
        assertEquals(500, millis(p.play()), "from the first output to the next, keys and sizes are not shown");
        assertEquals("login: ", screen.toString(StandardCharsets.UTF_8));
        assertEquals(3000, millis(p.play()), "a minute of nothing plays as 3 s");
        assertEquals(CastPlayer.DONE, p.play());
        assertEquals("login: # hello-42\r\n", screen.toString(StandardCharsets.UTF_8));
    }

    @Test
    void spacePausesAndGoesOnPlusAndMinusChangeTheSpeedQStops() throws IOException {
        CastPlayer p = player();
        assertEquals(CastPlayer.After.NOTHING, p.key((byte) '+'));
        assertEquals(250, millis(p.play()));
        assertEquals(CastPlayer.After.PAUSE, p.key((byte) ' '));
        assertEquals(CastPlayer.PAUSED, p.play());
        assertEquals("login: ", screen.toString(StandardCharsets.UTF_8), "nothing shown while paused");
        assertEquals(CastPlayer.After.PLAY_ON, p.key((byte) ' '));
        for (int i = 0; i < 10; i++) {
            p.key((byte) '-');
        }
        assertEquals(1.0 / 16, p.speed(), "the slowest is a sixteenth");
        assertEquals(CastPlayer.After.STOP, p.key((byte) 'q'));
        assertEquals(CastPlayer.After.NOTHING, p.key((byte) 'x'));
    }
}
