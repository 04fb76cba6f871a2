package org.yucon.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.util.PrivateFiles;

/**
 * The guests whose boots wait for their turn ({@link BootTurns}), one name a line in {@code STATE/boots-waiting}, so
 * that the gateway started after this one (an upgrade, a crash) boots them: an admin's boot is not lost with the
 * gateway that held it. The file is rewritten whole from the turns' list as it is when the write begins, on the
 * scheduler: changes that come while a write waits there are taken by that write (a hundred boots asked at once
 * made a hundred writes of the same list), and one that comes after its start asks for another.
 */
final class WaitingBoots {
    private static final Logger log = LoggerFactory.getLogger(WaitingBoots.class);

    private final Path file;
    private final Executor scheduler;
    /** Set while a write is asked on the scheduler and has not begun; any thread. */
    private final AtomicBoolean asked = new AtomicBoolean();

    WaitingBoots(Path stateDir, Executor scheduler) {
        this.file = stateDir.resolve("boots-waiting");
        this.scheduler = scheduler;
    }

    /** The names the last gateway left, first first; none if it left no file. */
    List<String> left() {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            log.warn("the boots an earlier gateway left waiting cannot be read from {}: {}", file, e.getMessage());
            return List.of();
        }
    }

    /** The boots that wait changed: kept on the scheduler (the turns tell of it where a guest's monitor may be held). */
    void changed(BootTurns turns) {
        if (asked.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                asked.set(false);
                save(turns);
            });
        }
    }

    synchronized void save(BootTurns turns) {
        List<String> names = turns.waiting();
        try {
            PrivateFiles.replace(file, (String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.warn("the boots that wait ({}) could not be kept in {}: a gateway started after this one will not boot them ({})",
                    names, file, e.getMessage());
        }
    }
}
