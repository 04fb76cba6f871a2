package org.yucon.console;

import java.nio.file.Path;

/**
 * Where a state directory keeps its console logs: {@code logs/NAME.log}, written by the keeper, read by the gateway's
 * {@code log} verb and web page, with the events of {@link ConsoleEventLog} beside each. One place for both processes.
 */
public final class ConsoleLogs {
    private ConsoleLogs() {
    }

    public static Path dir(Path stateDir) {
        return stateDir.resolve("logs");
    }

    /** The console log of {@code guest} in {@code logs}, the directory {@link #dir} names. */
    public static Path of(Path logs, String guest) {
        return logs.resolve(guest + ".log");
    }
}
