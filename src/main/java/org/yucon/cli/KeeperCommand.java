package org.yucon.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.yucon.keeper.ConsoleKeeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keeper", hidden = true,
        description = "The console keeper: holds the guests' processes and consoles; the gateway starts it.")
final class KeeperCommand implements Callable<Integer> {
    @Option(names = "--state", required = true, description = "the gateway's state directory")
    Path state;

    @Option(names = "--ring", defaultValue = "1048576", description = "console bytes kept in memory per guest")
    int ring;

    @Override
    public Integer call() throws Exception {
        new ConsoleKeeper(state, ring).serve();
        return 0;
    }
}
