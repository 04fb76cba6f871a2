package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yucon.config.LoginLimits;
import org.yucon.ssh.ConnectionAdmission.Verdict;

class ConnectionAdmissionTest {
    private static final LoginLimits.Startups SSHD = new LoginLimits.Startups(10, 30, 100, 5);

    @Test
    void oneAddressFillsItsOwnShareAndNobodyElses() {
        ConnectionAdmission admission = new ConnectionAdmission(1000, SSHD, () -> 0);
        for (int i = 0; i < 5; i++) {
            assertEquals(Verdict.ADMITTED, admission.admit(address(1)));
        }
        for (int i = 0; i < 2000; i++) {
            assertEquals(Verdict.PER_SOURCE, admission.admit(address(1)));
        }
        assertEquals(Verdict.ADMITTED, admission.admit(address(2)), "below start: no drop, even with the lowest roll");
    }

    @Test
    void aLoginOrACloseGivesTheShareBack() {
        ConnectionAdmission admission = new ConnectionAdmission(1000, SSHD, () -> 0);
        for (int i = 0; i < 5; i++) {
            admission.admit(address(1));
        }
        admission.startupEnded(address(1));
        assertEquals(Verdict.ADMITTED, admission.admit(address(1)), "one logged in: a new one may start");
        assertEquals(Verdict.PER_SOURCE, admission.admit(address(1)));
    }

    @Test
    void earlyDropRisesFromRateAtStartToAllAtFull() {
        List<Integer> dropsPerHundred = new ArrayList<>();
        for (int startups : List.of(9, 10, 55, 99, 100)) {
            int drops = 0;
            for (int roll = 0; roll < 100; roll++) {
                int[] next = {99};
                ConnectionAdmission admission = new ConnectionAdmission(1000, SSHD, () -> next[0]);
                for (int i = 0; i < startups; i++) {
                    assertEquals(Verdict.ADMITTED, admission.admit(address(i)), "the highest roll passes below full");
                }
                next[0] = roll;
                drops += admission.admit(address(200)) == Verdict.ADMITTED ? 0 : 1;
            }
            dropsPerHundred.add(drops);
        }
        // sshd: p = rate + (100 - rate) * (startups - start) / (full - start); at 55 that is 30 + 70 * 45 / 90 = 65.
        assertEquals(List.of(0, 30, 65, 99, 100), dropsPerHundred);
    }

    @Test
    void fullRefusesWithoutRollingAndTotalCountsLoggedInConnections() {
        ConnectionAdmission admission = new ConnectionAdmission(12, new LoginLimits.Startups(3, 100, 3, 3), () -> 99);
        for (int i = 0; i < 3; i++) {
            assertEquals(Verdict.ADMITTED, admission.admit(address(i)));
        }
        assertEquals(Verdict.STARTUPS_FULL, admission.admit(address(9)));
        for (int i = 0; i < 3; i++) {
            admission.startupEnded(address(i));
        }
        for (int i = 0; i < 9; i++) {
            assertEquals(Verdict.ADMITTED, admission.admit(address(i)), "logged-in connections are not startups");
            admission.startupEnded(address(i));
        }
        assertEquals(Verdict.CONNECTIONS, admission.admit(address(20)), "12 open in all");
        admission.closed();
        assertEquals(Verdict.ADMITTED, admission.admit(address(20)));
    }

    @Test
    void reasonsNameTheSettingAndItsFigure() {
        ConnectionAdmission admission = new ConnectionAdmission(1000, SSHD, () -> 0);
        assertEquals("5 connections not logged in yet from here (per_source_max_startups)",
                admission.reason(Verdict.PER_SOURCE));
        assertEquals("past 10 connections not logged in yet, at random (max_startups early drop)",
                admission.reason(Verdict.EARLY_DROP));
    }

    private static String address(int n) {
        return "10.0." + (n >> 8) + "." + (n & 0xff);
    }
}
