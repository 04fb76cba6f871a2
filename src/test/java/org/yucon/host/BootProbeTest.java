package org.yucon.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class BootProbeTest {

    @Test
    void argvBootsTheImageThroughAPrivateCowWithTheProbeAsInit() {
        List<String> argv = BootProbe.argv(Path.of("/k/linux.uml"), Path.of("/c/root.img"), Path.of("/tmp/p"),
                "yucon-probe-42");
        assertEquals(List.of("/k/linux.uml", "ubd0=/tmp/p/probe.cow,/c/root.img", "root=/dev/ubda", "mem=64M",
                "con0=fd:0,fd:1", "con=null", "init=/probe", "umid=yucon-probe-42", "uml_dir=/tmp/p"), argv);
    }

    @Test
    void markerPasses() {
        BootProbe.Outcome outcome = BootProbe.judge(exited(134,
                "Run /probe as init process\n" + DemoRootfs.PROBE_MARKER + "\nreboot: Power down\n"));
        assertTrue(outcome.passed());
    }

    @Test
    void panicReportsTheFailureBeforeIt() {
        BootProbe.Outcome outcome = BootProbe.judge(exited(134, """
                Run /probe as init process
                userspace - ptrace set fp regs failed, errno = 14
                Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b
                CPU: 0 PID: 1 Comm: probe Not tainted 6.1.0-0
                """));
        assertFalse(outcome.passed());
        assertEquals("userspace - ptrace set fp regs failed, errno = 14; "
                + "kernel panic: Attempted to kill init! exitcode=0x0000000b", outcome.reason());
    }

    @Test
    void panicWithoutFailureLineIsReportedAlone() {
        BootProbe.Outcome outcome = BootProbe.judge(exited(134, """
                ubda: unknown partition table
                Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(98,0)
                """));
        assertEquals("kernel panic: VFS: Unable to mount root fs on unknown-block(98,0)", outcome.reason());
    }

    @Test
    void earlyExitReportsStatusAndLastLine() {
        ExternalCommand.Result result = new ExternalCommand.Result(false, 1, "",
                "linux.uml: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found\n");
        assertEquals("exited with status 1 without the marker; last output: "
                + "linux.uml: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found",
                BootProbe.judge(result).reason());
    }

    @Test
    void timeoutSaysSo() {
        ExternalCommand.Result result = new ExternalCommand.Result(true, -1, "", "");
        assertEquals("no marker within 30 s", BootProbe.judge(result).reason());
    }

    private static ExternalCommand.Result exited(int status, String stdout) {
        return new ExternalCommand.Result(false, status, stdout, "");
    }
}
