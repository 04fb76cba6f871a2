package org.yucon.guest;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.ConfigException;
import org.yucon.config.ConfigLoader;
import org.yucon.config.DirectoryStamp;
import org.yucon.config.GuestConfig;

/**
 * Follows {@code guests/*.toml} while the gateway runs, without a restart and without dropping a session: it
 * looks at the directory every few seconds on the scheduler, reads the files when they changed, and hands them to
 * {@link Guests#follow}, again later while a running guest holds a change back. A file that does not load is
 * logged with its file and line and changes nothing. All fields are owned by the scheduler thread running it.
 */
public final class GuestFilesWatch implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(GuestFilesWatch.class);

    private final ConfigLoader loader;
    private final Guests guests;
    private String stamp;
    /** The files as last read, while something still waits to follow them; null when all is in line. */
    private Map<String, GuestConfig> waiting;

    public GuestFilesWatch(ConfigLoader loader, Guests guests) {
        this.loader = loader;
        this.guests = guests;
        this.stamp = DirectoryStamp.of(loader.guestsDir());
    }

    @Override
    public void run() {
        try {
            String now = DirectoryStamp.of(loader.guestsDir());
            if (!now.equals(stamp)) {
                stamp = now;
                ConfigLoader.GuestFiles files = loader.loadGuests();
                files.errors().forEach(error -> log.warn("guest file not loaded: {}", error));
                waiting = files.guests();
            }
            if (waiting != null && guests.follow(waiting)) {
                waiting = null;
            }
        } catch (ConfigException | RuntimeException e) {
            // A periodic task that throws is cancelled silently: log and go on looking.
            log.warn("guest files not followed: {}", e.getMessage());
        }
    }
}
