package org.yucon.cli;

import java.util.concurrent.Callable;
import org.yucon.config.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", description = "Run the gateway in the foreground. Guests keep running when it stops.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    EtcOption etc;

    @Override
    public Integer call() throws Exception {
        Configuration config = etc.load();
        Serving.serve(config, Serving.kernel(config, System.out), System.out, gateway -> { });
        return 0;
    }
}
