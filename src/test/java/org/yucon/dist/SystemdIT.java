package org.yucon.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.testing.Uml;

/**
 * The package's two units under a real systemd: a container (systemd-nspawn) boots this machine's own files under an
 * overlay, so that nothing it installs or writes reaches the host, and runs {@code systemd-check.sh} as its only job:
 * install the .deb, enable both units, boot a guest over SSH, {@code systemctl restart yucon} (the keeper, its
 * cgroup and the guest stay), then {@code systemctl stop yucon-keeper} (the gateway stops first, the guest shuts down
 * gracefully, both units end in success); then a keeper killed with SIGKILL is started again, the gateway with it,
 * and the guest runs on. This machine's PID 1 is not systemd, so this is where the units run.
 */
class SystemdIT {
    private static final long BOOT_MINUTES = 8;

    @TempDir
    Path dir;

    @Test
    void theUnitsServeSurviveAGatewayRestartAndStopGracefully() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Path work = Files.createDirectories(dir.resolve("work"));
        run(List.of("mount", "-t", "overlay", "overlay", "-o",
                "lowerdir=/,upperdir=" + upper + ",workdir=" + work, root.toString()), 1);
        try {
            Path check = Files.createDirectories(root.resolve("srv/yucon-check"));
            Files.copy(deb(), check.resolve("yucon.deb"));
            try (InputStream script = SystemdIT.class.getResourceAsStream("systemd-check.sh")) {
                Files.copy(script, check.resolve("check.sh"));
            }
            Files.createDirectories(check.resolve("cache"));
            run(List.of("cp", "-a", Uml.cacheDir().resolve("kernel").toString(), Uml.cacheDir().resolve("rootfs").toString(),
                    check.resolve("cache").toString()), 1);
            // The kernel the suite chose, found where the package keeps its cache (the gateway may not read /root).
            Path properties = check.resolve("cache/kernel/kernel.properties");
            Files.writeString(properties, Files.readString(properties).replace(Uml.cacheDir().toString(), "/var/lib/yucon/cache"));
            Files.writeString(root.resolve("etc/systemd/system/yucon-check.service"), String.join("\n",
                    "[Unit]", "Description=SystemdIT's check", "[Service]", "Type=oneshot",
                    "ExecStart=/bin/bash /srv/yucon-check/check.sh",
                    "StandardOutput=file:/srv/yucon-check/out.log", "StandardError=file:/srv/yucon-check/out.log",
                    "ExecStopPost=/bin/systemctl --no-block poweroff", ""));

            Run container = run(List.of("systemd-nspawn", "--register=no", "--keep-unit", "--quiet", "-D", root.toString(),
                    "-M", "yucon-it-" + ProcessHandle.current().pid(), "-b", "systemd.unit=yucon-check.service"), BOOT_MINUTES);
            String out = Files.exists(check.resolve("out.log")) ? Files.readString(check.resolve("out.log")) : "(no out.log)";
            Map<String, String> checks = checks(out);
            String record = "container: " + container.output() + "\ncheck script:\n" + out;
            assertEquals("yes", checks.get("done"), record);
            assertEquals("0", checks.get("installed"), record);
            assertTrue(checks.get("version").startsWith("yucon_"), record);
            assertEquals("0", checks.get("kernel"), record);
            assertEquals("0", checks.get("boot"), record);
            assertEquals("running", checks.get("status1"), record);
            assertEquals("/system.slice/yucon-keeper.service/keeper", checks.get("keeper_cgroup"),
                    "the keeper moved into the leaf of its delegated cgroup; " + record);
            assertTrue(checks.get("uml_cgroup").startsWith("/system.slice/yucon-keeper.service/"),
                    "the guest belongs to the keeper's unit; " + record);
            assertEquals("1.0", checks.get("running_metric"), record);
            assertEquals("yes", checks.get("keeper_same"), "systemctl restart yucon leaves the keeper; " + record);
            assertEquals("yes", checks.get("gateway_new"), record);
            assertEquals("yes", checks.get("uml_alive"), "and the guest; " + record);
            assertEquals("running", checks.get("status2"), record);
            assertEquals("[", checks.get("journal_line"), "journald's lines begin with the thread, no time; " + record);
            assertEquals("success", checks.get("keeper_result"), record);
            assertEquals("inactive", checks.get("gateway_state"), "stopping the keeper stops the gateway; " + record);
            assertEquals("success", checks.get("gateway_result"), "SIGTERM's 143 is a clean stop; " + record);
            assertEquals("gone", checks.get("uml_after_stop"), record);
            assertEquals("1", checks.get("graceful"), "init's shutdown ran in the guest; " + record);
            assertEquals("active", checks.get("keeper_restarted"), "a killed keeper is started again; " + record);
            assertEquals("active", checks.get("gateway_restarted"), "and the gateway with it; " + record);
            assertEquals("yes", checks.get("uml_survives_keeper"), "its guest runs on; " + record);
            assertEquals("uml1_running_(console_lost)", checks.get("status3"), record);
        } finally {
            run(List.of("umount", "-l", root.toString()), 1);
        }
    }

    private static Map<String, String> checks(String out) {
        Map<String, String> checks = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] words = line.split(" ", 3);
            if (words.length >= 2 && words[0].equals("CHECK")) {
                checks.put(words[1], words.length == 3 ? words[2] : "");
            }
        }
        return checks;
    }

    private static Path deb() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("yucon_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("mvn package leaves no .deb in target/"));
        }
    }

    private record Run(int status, String output) {
    }

    private static Run run(List<String> command, long minutes) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(command + " did not end within " + minutes + " minutes");
        }
        Run run = new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        assertEquals(0, run.status(), command + ": " + run.output());
        return run;
    }
}
