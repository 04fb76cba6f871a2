package org.yucon.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code yucon} command: {@code serve}, {@code demo}, {@code kernel}, {@code passwd}, {@code hostkeys},
 * {@code account}. {@code --help} and {@code --version} are inherited by every command and subcommand.
 */
@Command(name = "yucon", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = "SSH gateway to the consoles of User-Mode Linux guests.",
        subcommands = {ServeCommand.class, DemoCommand.class, KernelCommand.class, PasswdCommand.class, HostKeysCommand.class,
            KeeperCommand.class, AccountCommand.class, StopCommand.class})
public final class Yucon {

    /** Where the launcher says yucon lives (etc/, hostkeys/, state/); the working directory otherwise. */
    static Path home() {
        return Path.of(System.getProperty("yucon.home", ".")).toAbsolutePath().normalize();
    }

    /** The cache of downloaded kernels and built images, shared by every checkout of this user. */
    static Path cache() {
        String configured = System.getProperty("yucon.cache", "");
        if (!configured.isEmpty()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("yucon");
    }

    public static void main(String[] args) {
        LogFormat.apply(System.getenv(), System.getProperties());
        System.exit(commandLine().execute(args));
    }

    /** The command line, whose failures are one sentence on stderr and status 1, never a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Yucon());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("yucon: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cli;
    }
}
