package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestSupervisor;
import org.yucon.keeper.KeeperClient;
import org.yucon.testing.Await;
import org.yucon.testing.GatewayFixture;
import org.yucon.testing.TestHost;

/**
 * An idle menu costs (almost) no CPU and holds no thread: its steps run on the shared session pool only for input,
 * a resize, or a change of what it shows (the menus' ticker reads the figures for all of them every 5 s, asking the
 * guest's mconsole for load and memory). Twenty menus sit idle over a running guest for {@value #WINDOW_SECONDS} s,
 * against a baseline of the same gateway with no session over as long.
 * The gateway runs in this JVM, so the CPU time of the JVM's threads is its cost, plus the MINA client's (an upper
 * bound); the gateway's threads alone are reported too. The JIT compiler and GC are not threads of Java: the whole
 * JVM's figure is printed as well, but the compiler keeps working on the drawing code for minutes after a warm-up,
 * a one-off that a long-running gateway does not pay again. The bound is generous; the figures are for the benchmark.
 */
class IdleSessionIT {
    private static final int SESSIONS = 20;
    private static final long WINDOW_SECONDS = 30;
    private static final Duration WINDOW = Duration.ofSeconds(WINDOW_SECONDS);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    /** At most 3 % of one core for all the sessions together. */
    private static final double BOUND_PERCENT_OF_A_CORE = 3.0;

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.of("uml1");

    @Test
    void twentyIdleMenusCostAlmostNoCpu() throws Exception {
        GuestSupervisor uml1 = gateway.host().guest("uml1");
        assertTrue(uml1.boot().ok(), "uml1 boots");
        Await.until("uml1 running", BOOT_TIMEOUT, () -> uml1.status().state() == GuestState.RUNNING, () -> uml1.status().toString());

        Cpu baseline = measure("no session", uml1);

        List<ClientSession> sessions = new ArrayList<>();
        List<Menu> menus = new ArrayList<>();
        try {
            for (int i = 0; i < SESSIONS; i++) {
                ClientSession session = gateway.ssh().login(i % 2 == 0 ? "uml1" : "admin");
                sessions.add(session);
                menus.add(Menu.open(session));
            }
            for (Menu menu : menus) {
                Await.until("a menu drawn", TIMEOUT, () -> menu.output().contains("Options:"), menu::output);
            }
            warmUp(menus);
            long[] before = menus.stream().mapToLong(Menu::bytes).toArray();

            Cpu idle = measure(SESSIONS + " idle menus", uml1);
            long inSessions = threadsIn(GatewaySession.class);

            long sent = 0;
            for (int i = 0; i < menus.size(); i++) {
                assertFalse(menus.get(i).channel().isClosed(), "menu " + i + " is still open");
                sent += menus.get(i).bytes() - before[i];
            }
            System.out.printf("idle sessions: %d threads in a session's code, %d session pool threads%n", inSessions,
                    Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("session-")).count());
            // One parked thread per idle menu, as a thread per session would have; a step that happens to run is fine.
            assertTrue(inSessions < SESSIONS / 2, inSessions + " threads are in a session's code while " + SESSIONS + " menus are idle");
            double threadsPercent = percentOfACore(idle.threads() - baseline.threads());
            System.out.printf("idle sessions: %d menus over %d s: %.2f %% of one core in the JVM's threads (gateway and"
                            + " client; %.2f %% the gateway's alone), %.1f ms per session per minute; %.2f %% for the whole JVM"
                            + " with JIT compiler and GC; %d bytes per session per minute sent by the gateway%n",
                    SESSIONS, WINDOW_SECONDS, threadsPercent, percentOfACore(idle.gateway() - baseline.gateway()),
                    (idle.threads() - baseline.threads()) / 1e6 / SESSIONS * 60 / WINDOW_SECONDS,
                    percentOfACore(idle.process() - baseline.process()), sent / SESSIONS * 60 / WINDOW_SECONDS);
            assertTrue(threadsPercent < BOUND_PERCENT_OF_A_CORE, String.format("%d idle menus cost %.2f %% of a core"
                    + " (bound %.1f %%); busiest threads:%n%s", SESSIONS, threadsPercent, BOUND_PERCENT_OF_A_CORE, idle.busiest()));
        } finally {
            menus.forEach(Menu::close);
            sessions.forEach(s -> s.close(true));
        }
    }

    /**
     * Redraws every menu a few dozen times with keys, then waits for the JIT compiler to go quiet: the idle cost
     * of a long-running gateway is measured, not the one-off compilation of the drawing code (printed, though).
     */
    private static void warmUp(List<Menu> menus) throws IOException, InterruptedException {
        long jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        for (int round = 0; round < 30; round++) {
            for (Menu menu : menus) {
                menu.press("j");
            }
        }
        // Compilation trickles on for a while (the refreshes keep running); a quiet second is enough, and if none
        // comes the measurement goes ahead with whatever is left (it is in the figure, and the bound allows for it).
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long compiled = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < Duration.ofSeconds(1).toNanos() && System.nanoTime() - deadline < 0) {
            long now = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            if (now != compiled) {
                compiled = now;
                quietSince = System.nanoTime();
            }
            Thread.sleep(50);
        }
        System.out.printf("warm-up: 30 redraws of each menu, %d ms of JIT compilation%n",
                ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore);
    }

    /**
     * CPU nanoseconds over one window: the whole JVM's (with the JIT compiler's, which is still at work on the
     * drawing code long after a warm-up, and GC's), its Java threads', and those but the MINA client's.
     */
    private record Cpu(long process, long threads, long gateway, String busiest) {
    }

    /** Measures for one {@link #WINDOW}: a sleep is the point here, nothing is awaited. */
    private static Cpu measure(String what, GuestSupervisor guest) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> before = threadTimes(threads);
        long processBefore = processCpu(ProcessHandle.current());
        long keeperBefore = processCpu(keeper());
        long umlBefore = processCpu(ProcessHandle.of(guest.status().pid()).orElseThrow());
        long jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long gcBefore = gcMillis();

        Thread.sleep(WINDOW.toMillis());

        long process = processCpu(ProcessHandle.current()) - processBefore;
        long keeper = processCpu(keeper()) - keeperBefore;
        long uml = processCpu(ProcessHandle.of(guest.status().pid()).orElseThrow()) - umlBefore;
        long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore;
        long gc = gcMillis() - gcBefore;
        Map<Long, Long> after = threadTimes(threads);
        Map<String, Long> byThread = new HashMap<>();
        long all = 0;
        long gateway = 0;
        for (ThreadInfo info : threads.getThreadInfo(after.keySet().stream().mapToLong(Long::longValue).toArray())) {
            if (info == null) {
                continue;
            }
            long used = after.get(info.getThreadId()) - before.getOrDefault(info.getThreadId(), 0L);
            byThread.merge(info.getThreadName().replaceAll("\\d+", "N"), used, Long::sum);
            all += used;
            if (!info.getThreadName().contains("SshClient")) {
                gateway += used;
            }
        }
        String busiest = byThread.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(6).map(e -> String.format("  %-50s %6.1f ms", e.getKey(), e.getValue() / 1e6)).collect(Collectors.joining("\n"));
        System.out.printf("%s, %d s: JVM %.0f ms (%.2f %% of a core), its Java threads %.0f ms (the gateway's %.0f ms),"
                        + " JIT %d ms, GC %d ms; console keeper %.0f ms; the UML %.0f ms; busiest threads:%n%s%n", what, WINDOW_SECONDS,
                process / 1e6, percentOfACore(process), all / 1e6, gateway / 1e6, jit, gc, keeper / 1e6, uml / 1e6, busiest);
        return new Cpu(process, all, gateway, busiest);
    }

    /** How many threads have {@code type}'s code on their stack now. */
    private static long threadsIn(Class<?> type) {
        return Thread.getAllStackTraces().values().stream()
                .filter(stack -> Arrays.stream(stack).anyMatch(frame -> frame.getClassName().equals(type.getName()))).count();
    }

    /** Wall time in collections (the collectors' CPU is not visible per thread). */
    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
    }

    private static Map<Long, Long> threadTimes(ThreadMXBean threads) {
        Map<Long, Long> times = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long nanos = threads.getThreadCpuTime(id);
            if (nanos >= 0) {
                times.put(id, nanos);
            }
        }
        return times;
    }

    private static ProcessHandle keeper() throws IOException {
        return ProcessHandle.of(KeeperClient.pid(gateway.host().config().gateway().stateDir())).orElseThrow();
    }

    private static long processCpu(ProcessHandle process) {
        return process.info().totalCpuDuration().orElseThrow(() -> new AssertionError("no CPU time for pid " + process.pid())).toNanos();
    }

    private static double percentOfACore(long nanos) {
        return nanos / 1e9 / WINDOW_SECONDS * 100;
    }

    /** A menu on a pty whose output is only kept and counted: no emulator, so that the client costs little. */
    private record Menu(ChannelShell channel, ByteArrayOutputStream out) implements AutoCloseable {
        static Menu open(ClientSession session) throws IOException {
            ChannelShell channel = session.createShellChannel();
            channel.setUsePty(true);
            channel.setPtyType("xterm");
            channel.setPtyColumns(100);
            channel.setPtyLines(30);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            channel.setOut(out);
            channel.setErr(out);
            channel.open().verify(TIMEOUT);
            return new Menu(channel, out);
        }

        void press(String keys) throws IOException {
            channel.getInvertedIn().write(keys.getBytes(StandardCharsets.UTF_8));
            channel.getInvertedIn().flush();
        }

        long bytes() {
            return out.size();
        }

        String output() {
            return out.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            channel.close(true);
        }
    }
}
