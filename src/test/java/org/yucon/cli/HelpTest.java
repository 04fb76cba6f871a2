package org.yucon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand answers {@code --help} with its usage, and {@code yucon --version} names the build. */
class HelpTest {

    @Test
    void everyCommandAndSubcommandHasHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(Yucon.commandLine(), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 15, "serve, demo, kernel, passwd, hostkeys, keeper, account and its 8: " + paths);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Run run = run(args.toArray(String[]::new));
            assertEquals(0, run.status(), args + ": " + run.err());
            String usage = "Usage: yucon" + (path.isEmpty() ? "" : " " + String.join(" ", path));
            assertTrue(run.out().startsWith(usage), args + " printed: " + run.out());
            assertTrue(run.out().contains("-h, --help"), args + " printed: " + run.out());
        }
    }

    @Test
    void accountWithoutSubcommandSaysWhichExist() {
        Run run = run("account");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("Missing required subcommand"), run.err());
        assertTrue(run.err().contains("key-remove"), "lists the subcommands: " + run.err());
    }

    @Test
    void versionNamesTheProjectVersion() {
        Run run = run("--version");
        assertEquals(0, run.status());
        assertTrue(run.out().matches("yucon \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\nJava .*\\n"), run.out());
        assertEquals(run.out(), run("account", "add", "--version").out(), "subcommands answer it too");
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            List<String> deeper = new ArrayList<>(path);
            deeper.add(name);
            collect(sub, deeper, into);
        });
    }

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Yucon.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }
}
