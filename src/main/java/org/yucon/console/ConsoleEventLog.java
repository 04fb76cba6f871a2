package org.yucon.console;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.util.PrivateFiles;

/**
 * A guest's console event log, {@code logs/NAME.events} beside the console log: one line per event,
 * {@code ISO-timestamp guest account@address event}.
 *
 * <p>Each line is one append to a file opened for it: appends of whole lines from several threads never
 * interleave (O_APPEND), no lock is shared between viewers, and a log rotated away is simply started anew.
 * Events are rare (attach, detach, hand-overs), so the open per line costs nothing that matters.
 */
public final class ConsoleEventLog implements ConsoleEvents {
    private static final Logger log = LoggerFactory.getLogger(ConsoleEventLog.class);

    private final Path file;
    private final String guest;

    /** The event log of {@code guest} in the directory of console logs. */
    public ConsoleEventLog(Path logs, String guest) {
        this.file = logs.resolve(guest + ".events");
        this.guest = guest;
    }

    @Override
    public void record(String who, String event) {
        String line = Instant.now() + " " + guest + " " + who + " " + event + "\n";
        try {
            PrivateFiles.directories(file.getParent());
            try (OutputStream out = PrivateFiles.append(file)) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            log.warn("console event of {} not logged to {}: {} ({})", guest, file, line.strip(), e.toString());
        }
    }
}
