package org.yucon.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class ExternalCommandTest {

    @Test
    void returnsStandardOutput() throws ProvisioningException {
        assertEquals("hello\n", new ExternalCommand(List.of("echo", "hello"), Duration.ofSeconds(10)).run());
    }

    @Test
    void failureNamesCommandStatusAndStderr() {
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> new ExternalCommand(
                List.of("sh", "-c", "echo broken >&2; exit 3"), Duration.ofSeconds(10)).run());
        assertEquals("`sh -c echo broken >&2; exit 3` exited with status 3: broken", e.getMessage());
    }

    @Test
    void deadlineKillsTheWholeProcessGroup() throws ProvisioningException, IOException, InterruptedException {
        // The background sleep stands for a child the program leaves behind, like apt's download methods.
        ExternalCommand.Result result = new ExternalCommand(
                List.of("sh", "-c", "sleep 60 & echo $!; wait"), Duration.ofMillis(500)).execute();
        assertTrue(result.timedOut());
        String child = result.stdout().strip();
        assertFalse(runsAfterOneSecond(child), "left-behind child " + child + " still runs");
    }

    /** SIGKILL is delivered asynchronously, so give the child a moment to die. */
    private static boolean runsAfterOneSecond(String pid) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (running(pid) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return running(pid);
    }

    /** A killed child may stay a zombie for a while when the host's init is slow to reap orphans. */
    private static boolean running(String pid) throws IOException {
        Path stat = Path.of("/proc", pid, "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String fields = Files.readString(stat);
        return fields.charAt(fields.lastIndexOf(')') + 2) != 'Z';
    }
}
