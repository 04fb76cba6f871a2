package org.yucon.cli;

import java.nio.file.Path;
import org.yucon.config.Configuration;
import picocli.CommandLine.Option;

/** The {@code --etc} option of the commands that read a configuration. */
final class EtcOption {
    @Option(names = "--etc", description = "configuration directory (default: /etc/yucon when installed, else etc/ of the yucon home)")
    Path etc;

    /** The option, else the launcher's {@code yucon.etc} (the package's {@code /etc/yucon}), else the home's etc/. */
    Path dir() {
        if (etc != null) {
            return etc;
        }
        String configured = System.getProperty("yucon.etc", "");
        return configured.isEmpty() ? Yucon.home().resolve("etc") : Path.of(configured);
    }

    Configuration load() throws Fail {
        return Serving.load(dir());
    }
}
