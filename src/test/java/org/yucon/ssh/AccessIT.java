package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yucon.testing.SshUser;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.TestHost;
import org.yucon.testing.Uml;

/**
 * Role x action x guest over real SSH: each login reaches exactly what it owns, watchers (a guest's read_only
 * list) see and watch but never act, and a guest a login may not see answers like one that does not exist.
 * No guest is booted: a refusal must come before anything happens, and an allowed action on an off guest
 * answers with the guest's state, which is how the matrix tells "allowed" from "refused".
 */
class AccessIT {
    private static final List<String> LOGINS = List.of("uml1", "uml2", "uml3", "admin");
    private static final List<String> GUESTS = List.of("uml1", "uml2", "uml3");
    private static final List<String> ACTIONS = List.of("status", "shutdown", "shutdown --halt", "reboot", "reboot --hard",
            "sysrq s", "log -n 1");

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.startedBy(dir -> TestHost.startGuests(dir, Uml.image(),
            Map.of("uml1", List.of("read_only = [\"uml2\"]"), "uml2", List.of(), "uml3", List.of())));

    @Test
    void everyLoginReachesWhatItMayAndNothingElse() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String login : LOGINS) {
            for (String guest : GUESTS) {
                for (String action : ACTIONS) {
                    SshUser.Result r = gateway.ssh().run(login, action + " " + guest);
                    String seen = verdict(r, guest);
                    String expected = expected(login, guest, action);
                    if (!seen.equals(expected)) {
                        wrong.add(login + " '" + action + " " + guest + "': expected " + expected + ", got " + r);
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " wrong answers:\n" + String.join("\n", wrong));
    }

    @Test
    void aWatcherSeesTheGuestInItsStatus() throws Exception {
        assertEquals("uml1 off\numl2 off\n", gateway.ssh().run("uml2", "status").out());
        assertEquals("uml3 off\n", gateway.ssh().run("uml3", "status").out());
    }

    private static String expected(String login, String guest, String action) {
        boolean owns = login.equals("admin") || login.equals(guest);
        boolean watches = login.equals("uml2") && guest.equals("uml1");
        if (!owns && !watches) {
            return "invisible";
        }
        boolean readOnly = action.startsWith("status") || action.startsWith("log");
        return owns || readOnly ? "allowed" : "watch-only";
    }

    private static String verdict(SshUser.Result r, String guest) {
        if (r.err().contains("no guest named '" + guest + "'")) {
            return "invisible";
        }
        if (r.err().contains("may only watch " + guest)) {
            return "watch-only";
        }
        return "allowed";
    }
}
