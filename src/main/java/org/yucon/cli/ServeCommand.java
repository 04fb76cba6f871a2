package org.yucon.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.yucon.config.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Run the gateway in the foreground. Guests keep running when it stops.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--etc", description = "configuration directory (default: etc/ of the yucon home)")
    Path etc;

    @Override
    public Integer call() throws Exception {
        Configuration config = Serving.load(etc != null ? etc : Yucon.home().resolve("etc"));
        Serving.serve(config, Serving.kernel(config, System.out), System.out, gateway -> { });
        return 0;
    }
}
