package org.yucon.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.yucon.config.Configuration;
import org.yucon.ssh.HostKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "hostkeys", description = "Print the gateway's host key fingerprints (generating the keys if missing).")
final class HostKeysCommand implements Callable<Integer> {
    @Option(names = "--etc", description = "configuration directory (default: etc/ of the yucon home)")
    Path etc;

    @Override
    public Integer call() throws Exception {
        Configuration config = Serving.load(etc != null ? etc : Yucon.home().resolve("etc"));
        for (HostKeys.HostKey key : new HostKeys(config.gateway().hostKeyDir()).ensure()) {
            System.out.println(key.fingerprint() + " " + key.type() + " " + key.file());
        }
        return 0;
    }
}
