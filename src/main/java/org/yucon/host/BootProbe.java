package org.yucon.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Boots a kernel on the demo image with {@link DemoRootfs#PROBE_INIT} as init. A kernel passes iff the probe's
 * marker appears: some kernels start, mount root and only then panic at the first userspace exec (large
 * XSAVE areas on AMX hosts), so starting is not enough.
 */
final class BootProbe {

    /** Whether a kernel passed, and if not, why, in one line. */
    record Outcome(boolean passed, String reason) {
    }

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String PANIC = "Kernel panic - not syncing: ";

    private final Path image;

    BootProbe(Path image) {
        this.image = image;
    }

    Outcome probe(Path kernel) throws ProvisioningException {
        // A private uml_dir keeps the probe out of ~/.uml, and deleting it removes the COW file and pid file too.
        Path scratch = FileOps.createTempDirectory("yucon-probe-");
        try {
            String umid = "yucon-probe-" + ProcessHandle.current().pid();
            return judge(new ExternalCommand(argv(kernel, image, scratch, umid), DEADLINE).execute());
        } finally {
            FileOps.deleteQuietly(scratch);
        }
    }

    static List<String> argv(Path kernel, Path image, Path scratch, String umid) {
        return List.of(
                kernel.toString(),
                "ubd0=" + scratch.resolve("probe.cow") + "," + image,
                "root=/dev/ubda",
                "mem=64M",
                "con0=fd:0,fd:1",
                "con=null",
                "init=" + DemoRootfs.PROBE_INIT,
                "umid=" + umid,
                "uml_dir=" + scratch);
    }

    static Outcome judge(ExternalCommand.Result result) {
        String output = result.stdout() + "\n" + result.stderr();
        if (output.contains(DemoRootfs.PROBE_MARKER)) {
            return new Outcome(true, "");
        }
        return new Outcome(false, failureReason(result, output.lines().map(String::strip)
                .filter(line -> !line.isEmpty()).toList()));
    }

    /**
     * The panic, with the line before it when that names a failure (the panic itself often only says that init
     * died); otherwise how the kernel ended and its last words.
     */
    static String failureReason(ExternalCommand.Result result, List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(PANIC)) {
                String panic = "kernel panic: " + lines.get(i).substring(PANIC.length());
                return i > 0 && lines.get(i - 1).contains("failed") ? lines.get(i - 1) + "; " + panic : panic;
            }
        }
        String ending = result.timedOut()
                ? "no marker within " + DEADLINE.toSeconds() + " s"
                : "exited with status " + result.status() + " without the marker";
        return lines.isEmpty() ? ending : ending + "; last output: " + lines.get(lines.size() - 1);
    }
}
