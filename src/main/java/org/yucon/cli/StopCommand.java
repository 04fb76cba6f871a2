package org.yucon.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import jnr.posix.POSIXFactory;
import org.yucon.config.AccessChanges;
import org.yucon.config.Configuration;
import org.yucon.guest.Guests;
import org.yucon.keeper.KeeperClient;
import org.yucon.metrics.Metrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Stops the console keeper the way an admin expects a host's guests to stop: each running guest is shut down
 * gracefully within its {@code shutdown_timeout}, then the keeper ends. {@code systemctl stop yucon-keeper} runs it.
 */
@Command(name = "stop", description = "Shut every running guest down gracefully (each within its shutdown_timeout,"
        + " then halted), then stop the console keeper. A gateway still serving sees its guests go off.")
final class StopCommand implements Callable<Integer> {
    @Mixin
    EtcOption etc;

    @Override
    public Integer call() throws Exception {
        Configuration config = etc.load();
        Optional<KeeperClient> keeper = KeeperClient.ifRunning(config.gateway().stateDir());
        if (keeper.isEmpty()) {
            System.out.println("no console keeper runs for " + config.gateway().stateDir());
            return 0;
        }
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "stop");
            t.setDaemon(true);
            return t;
        });
        try {
            Guests guests = new Guests(config, Serving.kernel(config, System.out).binary(), keeper.get(), scheduler,
                    POSIXFactory.getNativePOSIX(), new AccessChanges(), new Metrics());
            GuestsShutdown.all(guests, keeper.get(), System.out);
        } finally {
            scheduler.shutdownNow();
        }
        return 0;
    }
}
