package org.yucon.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.yucon.util.OpenDir;

/**
 * A UML of a guest that no console keeper holds (an earlier keeper was killed), found through the pid file UML keeps
 * in {@code UMID/pid}. Where a guest runs as its own host user, that file lies in a directory the user may write, so
 * its word is not taken: the pid counts only if that process runs as the guest's user (root for a guest without one)
 * and has the guest's umid on its command line. Otherwise the user could write any pid there and have that process
 * shown as its guest, and SIGKILLed at a shutdown's deadline; a pid left from before a host reboot could name a
 * stranger too. A guest that a keeper holds has its pid from the keeper.
 */
final class StrayUml {
    private static final Path PROC = Path.of("/proc");
    private static final int PID_BYTES = 32;

    private StrayUml() {
    }

    /** The pid of the guest's live UML as its pid file names it and /proc confirms, or 0. */
    static long find(Path umlDir, String umid, int uid) {
        try (OpenDir uml = OpenDir.open(umlDir); OpenDir dir = uml.directory(umid)) {
            Optional<String> text = dir.read("pid", PID_BYTES);
            if (text.isEmpty()) {
                return 0;
            }
            long pid = Long.parseLong(text.get().trim());
            return pid > 0 && isUmlOf(pid, umid, uid) ? pid : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Whether process {@code pid} runs as {@code uid} (its real uid) with {@code umid=UMID} among its arguments; false
     * when it is gone (a zombie has no arguments left).
     */
    static boolean isUmlOf(long pid, String umid, int uid) {
        Path proc = PROC.resolve(Long.toString(pid));
        try {
            String status = Files.readString(proc.resolve("status"));
            boolean owner = status.lines().anyMatch(line -> line.startsWith("Uid:")
                    && line.substring(4).trim().split("\\s+")[0].equals(Integer.toString(uid)));
            String argv = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
            return owner && Arrays.asList(argv.split("\0")).contains("umid=" + umid);
        } catch (IOException e) {
            return false;
        }
    }
}
