package org.yucon.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a cgroup systemd delegated to the keeper, the guests' groups go under the keeper's own cgroup, and under v2
 * the keeper first leaves that cgroup for a leaf of it. A directory tree stands in for /sys/fs/cgroup (pure logic).
 */
class CgroupsTest {
    @TempDir
    Path fs;

    @Test
    void v2DelegatedGroupsGoUnderTheKeepersOwnAfterItMovesToALeaf() throws Exception {
        Files.writeString(fs.resolve("cgroup.controllers"), "cpu io memory pids\n");
        Path own = Files.createDirectories(fs.resolve("system.slice/yucon-keeper.service"));
        Cgroups cgroups = Cgroups.delegated(fs, "0::/system.slice/yucon-keeper.service\n", 4242);
        assertEquals("4242", Files.readString(own.resolve("keeper/cgroup.procs")), "the keeper left its own cgroup");

        Cgroups.Hierarchy cpu = cgroups.hierarchy(Cgroups.Controller.CPU).orElseThrow();
        assertEquals(new Cgroups.Hierarchy(own, true), cpu);
        assertEquals(own.resolve("yucon/uml1"), Cgroups.create(cpu, Cgroups.Controller.CPU, "uml1"));
        assertEquals("+cpu", Files.readString(own.resolve("cgroup.subtree_control")));
        assertEquals("+cpu", Files.readString(own.resolve("yucon/cgroup.subtree_control")));
    }

    @Test
    void v1DelegatedGroupsGoUnderTheKeepersOwnInEachHierarchy() throws Exception {
        Files.createDirectories(fs.resolve("cpu"));
        Files.writeString(fs.resolve("cpu/cgroup.procs"), "");
        Files.createDirectories(fs.resolve("memory"));
        Files.writeString(fs.resolve("memory/cgroup.procs"), "");
        String self = "9:name=systemd:/system.slice/yucon-keeper.service\n4:memory:/system.slice/yucon-keeper.service\n"
                + "1:cpu,cpuacct:/system.slice/yucon-keeper.service\n";
        Cgroups cgroups = Cgroups.delegated(fs, self, 4242);
        assertEquals(new Cgroups.Hierarchy(fs.resolve("cpu/system.slice/yucon-keeper.service"), false),
                cgroups.hierarchy(Cgroups.Controller.CPU).orElseThrow());
        assertEquals(new Cgroups.Hierarchy(fs.resolve("memory/system.slice/yucon-keeper.service"), false),
                cgroups.hierarchy(Cgroups.Controller.MEMORY).orElseThrow());
    }

    @Test
    void withoutDelegationGroupsStayAtTheRoot() throws Exception {
        Files.writeString(fs.resolve("cgroup.controllers"), "cpu io memory\n");
        assertEquals(new Cgroups.Hierarchy(fs, true), Cgroups.detect(fs).hierarchy(Cgroups.Controller.MEMORY).orElseThrow());
    }
}
