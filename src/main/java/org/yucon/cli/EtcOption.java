package org.yucon.cli;

import java.nio.file.Path;
import org.yucon.config.Configuration;
import picocli.CommandLine.Option;

/** The {@code --etc} option of the commands that read a configuration. */
final class EtcOption {
    @Option(names = "--etc", description = "configuration directory (default: etc/ of the yucon home)")
    Path etc;

    Path dir() {
        return etc != null ? etc : Yucon.home().resolve("etc");
    }

    Configuration load() throws Fail {
        return Serving.load(dir());
    }
}
