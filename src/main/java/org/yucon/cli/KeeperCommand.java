package org.yucon.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.yucon.config.Configuration;
import org.yucon.keeper.ConsoleKeeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "keeper", hidden = true,
        description = "The console keeper: holds the guests' processes and consoles. A gateway starts it with --state;"
                + " yucon-keeper.service runs it on the configuration (state directory and ring from yucon.toml).")
final class KeeperCommand implements Callable<Integer> {
    @Mixin
    EtcOption etc;

    @Option(names = "--state", description = "the gateway's state directory (default: from the configuration)")
    Path state;

    @Option(names = "--ring", description = "console bytes kept in memory per guest (default: from the configuration)")
    Integer ring;

    @Option(names = "--delegated-cgroup", description = "the keeper's cgroup is its own (systemd's Delegate=yes):"
            + " the guests' cgroups go under it rather than at the root of each hierarchy")
    boolean delegatedCgroup;

    @Override
    public Integer call() throws Exception {
        if (state != null) {
            new ConsoleKeeper(state, ring != null ? ring : 1 << 20, delegatedCgroup).serve();
            return 0;
        }
        Configuration config = etc.load();
        new ConsoleKeeper(config.gateway().stateDir(), ring != null ? ring : config.gateway().console().ringBytes(),
                delegatedCgroup).serve();
        return 0;
    }
}
