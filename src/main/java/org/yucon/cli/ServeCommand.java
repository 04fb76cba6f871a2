package org.yucon.cli;

import java.util.concurrent.Callable;
import org.yucon.Gateway;
import org.yucon.config.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Run the gateway in the foreground. Guests keep running when it stops.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    EtcOption etc;

    @Option(names = "--no-start-keeper", description = "wait for a console keeper started elsewhere (yucon-keeper.service)"
            + " rather than start one when none answers: a keeper started by a service's gateway would be stopped with it")
    boolean noStartKeeper;

    @Override
    public Integer call() throws Exception {
        Configuration config = etc.load();
        Gateway.KeeperStart keeperStart = noStartKeeper ? Gateway.KeeperStart.NEVER : Gateway.KeeperStart.IF_NONE_ANSWERS;
        Serving.serve(config, Serving.kernel(config, System.out), keeperStart, System.out, gateway -> { });
        return 0;
    }
}
