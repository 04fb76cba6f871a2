package org.yucon.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.yucon.Gateway;
import org.yucon.config.ConfigException;
import org.yucon.config.ConfigLoader;
import org.yucon.config.Configuration;
import org.yucon.host.Kernel;
import org.yucon.host.KernelProvisioner;
import org.yucon.host.ProvisioningException;
import org.yucon.ssh.HostKeys;

/** Loads a configuration, starts the gateway, prints how to reach it, and serves until SIGINT or SIGTERM. */
final class Serving {
    /** Runs before the gateway closes when the process is asked to stop. */
    interface BeforeStop {
        void run(Gateway gateway);
    }

    private Serving() {
    }

    static Configuration load(Path etc) throws Fail {
        try {
            return new ConfigLoader(etc).load();
        } catch (ConfigException e) {
            throw new Fail(e.getMessage(), e);
        }
    }

    static Kernel kernel(Configuration config, PrintStream out) throws Fail {
        try {
            return new KernelProvisioner(Yucon.cache(), line -> out.println("kernel: " + line)).provision(config.gateway().kernel());
        } catch (ProvisioningException e) {
            throw new Fail(e.getMessage(), e);
        }
    }

    static void serve(Configuration config, Kernel kernel, PrintStream out, BeforeStop beforeStop) throws Fail, InterruptedException {
        serve(config, kernel, Gateway.KeeperStart.IF_NONE_ANSWERS, out, beforeStop);
    }

    static void serve(Configuration config, Kernel kernel, Gateway.KeeperStart keeperStart, PrintStream out,
                      BeforeStop beforeStop) throws Fail, InterruptedException {
        Gateway gateway;
        try {
            gateway = Gateway.start(config, kernel.binary(), keeperStart);
        } catch (IOException e) {
            throw new Fail("the gateway did not start: " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping the gateway");
            beforeStop.run(gateway);
            try {
                gateway.close();
            } catch (IOException e) {
                out.println("yucon: closing the SSH server failed: " + e.getMessage());
            }
            stopped.countDown();
        }, "shutdown"));
        out.println("host keys (compare with what ssh shows on first connect):");
        for (HostKeys.HostKey key : gateway.hostKeys()) {
            out.println("  " + key.fingerprint() + " " + key.type() + " " + key.file());
        }
        out.println("yucon listens on " + config.gateway().listenAddress() + ":" + gateway.port()
                + " with " + config.guests().size() + " guests; kernel " + kernel.binary() + " (" + kernel.origin() + ")");
        gateway.metricsPort().ifPresent(port -> out.println("metrics on http://"
                + config.gateway().metrics().address().orElseThrow() + ":" + port + "/metrics"));
        config.guestErrors().forEach(error -> out.println("guest not loaded: " + error));
        out.flush();
        stopped.await();
    }
}
