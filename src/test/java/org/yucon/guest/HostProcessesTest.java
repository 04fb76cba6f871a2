package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HostProcessesTest {
    private static final String STAT_TAIL = " 1 1 0 -1 4194304 127 0 0 0 250 50 0 0 20 0 1 0 250014 3133440 413 18446744073709551615";

    @Test
    void statFieldsAreCountedFromTheLastParenthesis() {
        HostProcesses.Stat p = HostProcesses.parse(42, "42 (a) b) c) S 7" + STAT_TAIL);

        assertEquals(new HostProcesses.Stat(42, 7, 1, 'S', 300, 413 * 4, "a) b) c"), p);
        assertEquals("[a) b) c]", HostProcesses.command(p, new byte[0]), "no command line: the kernel's name, as ps shows it");
    }

    @Test
    void commandLineWinsOverTheKernelsName() {
        byte[] cmdline = "/usr/bin/linux.uml\0umid=uml1\0mem=64M\0".getBytes(StandardCharsets.UTF_8);

        HostProcesses.Stat p = HostProcesses.parse(42, "42 (linux.uml) R 1" + STAT_TAIL);

        assertEquals("/usr/bin/linux.uml umid=uml1 mem=64M", HostProcesses.command(p, cmdline));
    }

    @Test
    void aUmlsProcessesAreNamedForWhatTheyAreWhateverTheKernelCallsThem() {
        byte[] umlLine = "/usr/bin/linux.uml\0umid=uml1\0".getBytes(StandardCharsets.UTF_8);
        HostProcesses.Stat uml = stat(100, 1, "linux.uml");

        assertEquals("/usr/bin/linux.uml umid=uml1", HostProcesses.command(uml, uml, 0, umlLine), "the UML itself");
        assertEquals(HostProcesses.USERSPACE, HostProcesses.command(stat(101, 100, "linux.uml"), uml, 100, umlLine),
                "6.1: a clone of the UML that it traces");
        assertEquals(HostProcesses.USERSPACE, HostProcesses.command(stat(102, 100, "uml-userspace"), uml, 0, new byte[0]),
                "newer kernels: the stub that names itself");
        assertEquals(HostProcesses.HELPER, HostProcesses.command(stat(103, 100, "linux.uml"), uml, 0, umlLine),
                "a clone that nobody traces");
        byte[] helperLine = "/usr/lib/uml/uml_net\0".getBytes(StandardCharsets.UTF_8);
        assertEquals("/usr/lib/uml/uml_net", HostProcesses.command(stat(104, 100, "uml_net"), uml, 0, helperLine),
                "a program the UML ran");
    }

    @Test
    void aUmlOfThisJvmsPidHoldsItselfFirst() {
        long self = ProcessHandle.current().pid();

        List<HostProcess> tree = HostProcesses.uml(self);

        assertFalse(tree.isEmpty());
        assertEquals(self, tree.get(0).pid());
        assertTrue(HostProcesses.uml(Long.MAX_VALUE).isEmpty(), "a process that does not exist has no tree");
    }

    @Test
    void aProcessGroupIsListedUntilItsProcessesEnd() throws Exception {
        // setsid execs sleep in a new session (a child of this JVM leads no group): its pid is the group's id.
        Process leader = new ProcessBuilder("setsid", "sleep", "60").start();
        try {
            long group = leader.pid();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!HostProcesses.liveInGroup(group).equals(List.of(group)) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of(group), HostProcesses.liveInGroup(group));

            leader.destroyForcibly().waitFor();

            assertEquals(List.of(), HostProcesses.liveInGroup(group));
        } finally {
            leader.destroyForcibly();
        }
    }

    @Test
    void cpuPercentIsTheTickDifferenceOverElapsedTime() {
        CpuSampler sampler = new CpuSampler();
        HostProcess before = new HostProcess(1, 0, 'R', 1000, 0, "a");
        HostProcess idle = new HostProcess(2, 1, 'S', 10, 0, "b");

        List<CpuSampler.Row> first = sampler.sample(List.of(before, idle), 1_000_000_000L);
        List<CpuSampler.Row> second = sampler.sample(List.of(new HostProcess(1, 0, 'R', 1050, 0, "a"), idle), 2_000_000_000L);

        assertEquals(0.0, first.get(0).cpuPercent(), "no rate from one sample");
        assertEquals(1, second.get(0).process().pid(), "busiest first");
        assertEquals(50.0, second.get(0).cpuPercent(), 1e-9);
        assertEquals(0.0, second.get(1).cpuPercent(), 1e-9);
    }

    private static HostProcesses.Stat stat(long pid, long ppid, String comm) {
        return new HostProcesses.Stat(pid, ppid, 100, 'S', 0, 0, comm);
    }
}
