package org.yucon.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.util.PrivateFiles;

/**
 * The guests whose boots wait for their turn ({@link BootTurns}), one name a line in {@code STATE/boots-waiting}, so
 * that the gateway started after this one (an upgrade, a crash) boots them: an admin's boot is not lost with the
 * gateway that held it. The file is rewritten whole from the turns' list as it is then, by whichever thread changed
 * it, one at a time: the last to write wrote the latest list.
 */
final class WaitingBoots {
    private static final Logger log = LoggerFactory.getLogger(WaitingBoots.class);

    private final Path file;

    WaitingBoots(Path stateDir) {
        this.file = stateDir.resolve("boots-waiting");
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
