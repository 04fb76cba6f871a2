package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pid file names a guest's UML only when /proc agrees: that user's process, with that umid among its arguments. */
class StrayUmlTest {
    @TempDir
    Path umlDir;

    @Test
    void aPidFileCountsOnlyForAProcessOfTheUserWithTheUmid() throws Exception {
        // A stand-in with a UML's argument: sh gets "umid=web" as its $0.
        Process uml = new ProcessBuilder("sh", "-c", "sleep 60; exit 0", "umid=web").start();
        try {
            long me = ProcessHandle.current().pid();
            Path pid = Files.createDirectories(umlDir.resolve("web")).resolve("pid");
            Files.writeString(pid, uml.pid() + "\n");
            assertEquals(uml.pid(), StrayUml.find(umlDir, "web", 0), "root's process with umid=web");
            assertEquals(0, StrayUml.find(umlDir, "web", 4242), "the process is not that user's");
            assertEquals(0, StrayUml.find(umlDir, "db", 0), "no pid file for that umid");

            Files.writeString(pid, me + "\n");
            assertEquals(0, StrayUml.find(umlDir, "web", 0), "a process without the umid: this JVM");

            Files.delete(pid);
            Path elsewhere = Files.writeString(umlDir.resolve("elsewhere"), uml.pid() + "\n");
            Files.createSymbolicLink(pid, elsewhere);
            assertEquals(0, StrayUml.find(umlDir, "web", 0), "a pid file that is a link is not read");
        } finally {
            uml.destroyForcibly();
        }
    }
}
