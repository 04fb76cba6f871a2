package org.yucon.ssh;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.recording.CastPlayer;

/**
 * {@code play ID} as a session's screen: the recording at its own pace on the terminal, until its end or {@code q}
 * (space pauses, {@code +} and {@code -} change the speed); the end of playing is the session's. Owned by the
 * session's steps; the scheduler only hands the time of the next event over.
 */
final class PlayerScreen implements Screen {
    private static final Logger log = LoggerFactory.getLogger(PlayerScreen.class);

    private final SessionLoop session;
    private final ScheduledExecutorService scheduler;
    private final CastPlayer player;
    /** The viewer's login, for the log. */
    private final String login;
    // Owned by the session's steps.
    /** The player's next event, or null. */
    private ScheduledFuture<?> timer;

    PlayerScreen(SessionLoop session, ScheduledExecutorService scheduler, CastPlayer player, String login) {
        this.session = session;
        this.scheduler = scheduler;
        this.player = player;
        this.login = login;
    }

    /** Plays what is due now, and asks for a step when the next event is. */
    void playOn() throws IOException {
        long next = player.play();
        if (next == CastPlayer.DONE) {
            session.finish(0, "end of the recording");
        } else if (next != CastPlayer.PAUSED) {
            timer = scheduler.schedule(() -> session.post(this::playOn), next, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void keys(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            switch (player.key(b)) {
                case STOP -> {
                    session.finish(0, "stopped");
                    return;
                }
                case PAUSE -> timer.cancel(false);
                case PLAY_ON -> playOn();
                case NOTHING -> { }
            }
        }
    }

    @Override
    public void resized() {
        // A recording plays at the size it was made.
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.cancel(false);
        }
        try {
            player.close();
        } catch (IOException e) {
            log.debug("a recording played to {} did not close: {}", login, e.toString());
        }
    }
}
