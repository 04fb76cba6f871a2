package org.yucon.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.yucon.host.Kernel;
import org.yucon.host.KernelProvisioner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "kernel", description = "Find a UML kernel that boots on this host (probing, downloading from Debian if needed) and remember it.")
final class KernelCommand implements Callable<Integer> {
    @Option(names = "--try", description = "a kernel binary to probe first")
    Path candidate;

    @Override
    public Integer call() throws Exception {
        Kernel kernel = new KernelProvisioner(Yucon.cache(), System.out::println).provision(Optional.ofNullable(candidate));
        System.out.println("chosen: " + kernel.binary() + " (" + kernel.origin() + ")");
        return 0;
    }
}
