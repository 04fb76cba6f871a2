package org.yucon.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.yucon.Gateway;
import org.yucon.config.Configuration;
import org.yucon.host.DemoRootfs;
import org.yucon.host.Kernel;
import org.yucon.host.ProvisioningException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Provision a kernel and a root filesystem, write a demo configuration with guests uml1 and uml2, and serve it on 127.0.0.1.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "2222", description = "SSH port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--state", description = "demo state directory (default: state/demo in the yucon home)")
    Path state;

    @Override
    public Integer call() throws Exception {
        Path image;
        try {
            image = new DemoRootfs(Yucon.cache(), line -> System.out.println("rootfs: " + line)).image();
        } catch (ProvisioningException e) {
            throw new Fail(e.getMessage(), e);
        }
        DemoSetup demo = new DemoSetup(state != null ? state : Yucon.home().resolve("state").resolve("demo"));
        try {
            demo.write(image, Yucon.home().resolve("hostkeys"), port);
        } catch (IOException e) {
            throw new Fail("cannot write the demo configuration under " + demo.etc() + ": " + e.getMessage(), e);
        }
        Configuration config = Serving.load(demo.etc());
        Kernel kernel = Serving.kernel(config, System.out);
        System.out.println("demo configuration: " + demo.etc());
        System.out.println("accounts uml1, uml2 and admin; password: " + DemoSetup.PASSWORD + " (your ~/.ssh/*.pub keys work too)");
        System.out.println("connect:  ssh -p " + config.gateway().port() + " -l uml1 localhost        (menu; b boots, Enter for the console, Ctrl-A d back)");
        System.out.println("          ssh -t -p " + config.gateway().port() + " -l uml1 localhost console");
        System.out.println("          ssh -p " + config.gateway().port() + " -l admin localhost       (every guest)");
        System.out.println("Ctrl-C stops the demo and shuts its guests down.");
        Serving.serve(config, kernel, System.out, DemoCommand::shutDownGuests);
        return 0;
    }

    /** The demo leaves nothing running: each guest gets its graceful shutdown, then the keeper ends. */
    private static void shutDownGuests(Gateway gateway) {
        GuestsShutdown.all(gateway.guests(), gateway.keeper(), System.out);
    }
}
