package org.yucon.cli;

import java.util.concurrent.Callable;
import org.yucon.config.Configuration;
import org.yucon.ssh.HostKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "hostkeys", description = "Print the gateway's host key fingerprints (generating the keys if missing).")
final class HostKeysCommand implements Callable<Integer> {
    @Mixin
    EtcOption etc;

    @Override
    public Integer call() throws Exception {
        Configuration config = etc.load();
        for (HostKeys.HostKey key : new HostKeys(config.gateway().hostKeyDir()).ensure()) {
            System.out.println(key.fingerprint() + " " + key.type() + " " + key.file());
        }
        return 0;
    }
}
