package org.yucon.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.Passwd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.GuestConfig;
import org.yucon.console.ConsoleHub;
import org.yucon.guest.mconsole.GuestProc;
import org.yucon.metrics.GuestMeters;
import org.yucon.guest.mconsole.GuestStats;
import org.yucon.guest.mconsole.MconsoleClient;
import org.yucon.guest.mconsole.MconsoleException;
import org.yucon.guest.mconsole.MconsoleReply;
import org.yucon.keeper.Confinement;
import org.yucon.keeper.KeeperClient;
import org.yucon.keeper.StopIntent;
import org.yucon.keeper.Spawned;
import org.yucon.util.FileTrees;
import org.yucon.util.PrivateFiles;

/**
 * Runs one guest: has the console keeper boot its UML (the keeper holds the console, so the guest and its console
 * outlive the gateway), follows it, and shuts it down gracefully (mconsole {@code cad}, a deadline, {@code halt},
 * then SIGKILL).
 *
 * <p>The state machine is {@link GuestState}; every transition happens under this object's monitor. Callers are
 * sessions' steps (boot, shutdown), the keeper link's reader (exits) and the shared scheduler (readiness polls,
 * shutdown deadlines, restarts). The monitor is held only to read and change the fields it guards, never across
 * I/O: a boot's keeper IPC and host set-up run on the booting thread between two short holds (see {@link #boot}),
 * so that status and menus, which read the state under the monitor, never wait for a boot.
 */
public final class GuestSupervisor {
    private static final Logger log = LoggerFactory.getLogger(GuestSupervisor.class);
    private static final Duration READY_POLL = Duration.ofMillis(250);
    /** After this long booting, the guest's mconsole is asked less often: a guest without one would be polled for ever. */
    private static final Duration READY_POLL_PATIENCE = Duration.ofSeconds(30);
    private static final Duration READY_POLL_SLOW = Duration.ofSeconds(2);
    private static final Duration HALT_GRACE = Duration.ofSeconds(5);
    /** How long a shutdown's caller waits for the keeper to keep it: bounded, a stopped keeper must not hold a menu. */
    private static final Duration INTENT_KEPT_WITHIN = Duration.ofSeconds(3);
    private static final long STATS_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The detail of a guest whose UML runs on after its keeper was lost: its console went with that keeper. */
    public static final String CONSOLE_LOST = "console lost";
    /** The detail of a guest whose boot waits for one of the host's boot turns ({@link BootTurns}). */
    public static final String WAITS_ITS_TURN = "waits its turn to boot";

    private final Path defaultKernel;
    private final Path sharedUmlDir;
    /** What the guest's file says, with what follows from it; replaced only while the guest is off. */
    private volatile Setup setup;
    /**
     * The accounts that may only watch this guest, as its file says now: unlike the other settings, a changed
     * {@code read_only} list counts at once, also while the guest runs. Replaced whole by the guest files' watch.
     */
    private volatile Set<String> watchers;
    private final ConsoleHub console;
    private final KeeperClient keeper;
    private final BootTurns turns;
    private final ScheduledExecutorService scheduler;
    private final POSIX posix;
    private final Consumer<GuestSupervisor> onChange;
    /** The guest's figures and when they were asked (System.nanoTime); replaced whole by any thread. */
    private volatile StatsSample lastStats;

    private record StatsSample(GuestStats stats, long at) {
    }

    /** A guest's configuration and what follows from it: its kernel, its UML directory, its mconsole. */
    private record Setup(GuestConfig config, Path kernel, Path umlDir, MconsoleClient mconsole) {
        static Setup of(GuestConfig config, Path defaultKernel, Path sharedUmlDir) {
            Path umlDir = umlDirOf(config, sharedUmlDir);
            return new Setup(config, config.kernel().orElse(defaultKernel), umlDir,
                    new MconsoleClient(umlDir.resolve(config.umid()).resolve("mconsole"), Duration.ofSeconds(2)));
        }
    }

    // Guarded by this: written by whichever of the threads above makes a transition, in short holds without I/O.
    private GuestStatus status = GuestStatus.off();
    /**
     * Counts runs of the UML, so late timers and watchers of an earlier run change nothing, and a boot's result
     * (taken with the monitor free) is applied only to the run it was started for.
     */
    private long run;
    private boolean stopRequested;
    /** A graceful reboot: boot again once the shutdown has brought the guest off. */
    private boolean bootWhenOff;
    /** The UML of this run lives on without the keeper that held its console; followed by its pid. */
    private boolean consoleLost;
    /** The limits the host could not apply to the current run, shown as the running guest's detail. */
    private String unapplied = "";
    /** The run the boot watchdog killed because its boot hung (see {@link #watchBoot}), 0 if none. */
    private long hungRun;
    /** Whether the boot going on is the one retry after a hung boot: a second hang in a row is a crash. */
    private boolean retryingHang;
    /** When the restart policy booted this guest again, newest last: the spin guard. */
    private final Deque<Instant> restarts = new ArrayDeque<>();
    /** The start of a boot that waits for its turn ({@link BootTurns}), null when none waits. */
    private Runnable waitingStart;
    /** The run that holds a boot turn, 0 if none does: a turn is ended once, by the run that took it. */
    private long turnRun;
    private final GuestMeters meters;

    public GuestSupervisor(GuestConfig config, Path defaultKernel, Path umlDir, ConsoleHub console, KeeperClient keeper,
                           BootTurns turns, ScheduledExecutorService scheduler, POSIX posix, Consumer<GuestSupervisor> onChange,
                           GuestMeters meters) {
        this.defaultKernel = defaultKernel;
        this.sharedUmlDir = umlDir;
        this.setup = Setup.of(config, defaultKernel, umlDir);
        this.watchers = config.watchers();
        this.console = console;
        this.keeper = keeper;
        this.turns = turns;
        this.scheduler = scheduler;
        this.posix = posix;
        this.onChange = onChange;
        this.meters = meters;
    }

    public String name() {
        return setup.config().name();
    }

    public GuestConfig config() {
        return setup.config();
    }

    /** The accounts its file lists in {@code read_only} now (see {@link #watch}). */
    public Set<String> watchers() {
        return watchers;
    }

    /** Takes a guest file's {@code read_only} list at once, running or not; true when it differs from the one held. */
    public boolean watch(Set<String> listed) {
        if (listed.equals(watchers)) {
            return false;
        }
        watchers = Set.copyOf(listed);
        return true;
    }

    public ConsoleHub console() {
        return console;
    }

    /**
     * Takes a guest file's new settings; they apply from the next boot. Refused while the guest runs (its UML
     * directory and mconsole must not change under it): the caller tries again once it is off.
     */
    public synchronized boolean reconfigure(GuestConfig changed) {
        if (status.state().alive()) {
            return false;
        }
        Setup old = setup;
        setup = Setup.of(changed, defaultKernel, sharedUmlDir);
        old.mconsole().close();
        lastStats = null;
        return true;
    }

    public synchronized GuestStatus status() {
        return status;
    }

    /** Asks the guest's kernel directly; fails when the guest is not running. */
    public MconsoleReply mconsole(String command) throws MconsoleException {
        return setup.mconsole().send(command);
    }

    /**
     * Load, memory, uptime and kernel of a running guest, from its own kernel: asked at most once a second
     * however many menus show them.
     */
    public GuestStats stats() throws MconsoleException {
        StatsSample sample = lastStats;
        long now = System.nanoTime();
        if (sample != null && now - sample.at() < STATS_MAX_AGE_NANOS) {
            return sample.stats();
        }
        GuestStats fresh = GuestProc.read(setup.mconsole());
        lastStats = new StatsSample(fresh, now);
        return fresh;
    }

    /**
     * Boots the guest. The state moves to booting under the monitor first, so that status, menus and a racing
     * shutdown see the boot at once. The boot then waits for its turn if as many guests boot as the host allows
     * ({@link BootTurns}). The slow part (the host's checks, the keeper's IPC and its set-up of the host) runs with
     * the monitor free, on the calling thread or, after a wait, on the scheduler; its result is applied under the
     * monitor again, to the run it was started for ({@link SpawnVerdict}).
     */
    public Outcome boot() {
        long thisRun;
        int waits;
        Supplier<Outcome> launch;
        synchronized (this) {
            if (!status.state().mayBoot()) {
                return Outcome.refused(name() + " is " + status.state().label().toLowerCase() + " already");
            }
            // Taken with the state: reconfigure() replaces the set-up only while the guest is not alive.
            Setup booting = setup;
            GuestStatus before = status;
            stopRequested = false;
            consoleLost = false;
            bootWhenOff = false;
            thisRun = ++run;
            launch = () -> launch(thisRun, before, booting);
            Runnable whenTurnComes = () -> turnCame(thisRun, launch);
            waits = turns.take(name(), whenTurnComes);
            if (waits == 0) {
                turnRun = thisRun;
                status = new GuestStatus(GuestState.BOOTING, Instant.now(), "", 0);
            } else {
                waitingStart = whenTurnComes;
                status = new GuestStatus(GuestState.BOOTING, Instant.now(), WAITS_ITS_TURN, 0);
            }
        }
        changed();
        if (waits > 0) {
            log.info("{} waits its turn to boot ({} boots wait)", name(), waits);
            return Outcome.done(name() + " " + WAITS_ITS_TURN + " (" + waits + (waits == 1 ? " boot waits" : " boots wait")
                    + "; as many boot at once as [boot] at_once allows)");
        }
        return launch.get();
    }

    /** The turn of run {@code thisRun} came while it waited (on the scheduler): it boots, unless it was shut down. */
    private void turnCame(long thisRun, Supplier<Outcome> launch) {
        boolean boots;
        boolean again = false;
        synchronized (this) {
            turnRun = thisRun;
            waitingStart = null;
            boots = isBooting(thisRun);
            if (boots) {
                status = new GuestStatus(GuestState.BOOTING, Instant.now(), "", 0);
            } else if (run == thisRun && status.state() == GuestState.STOPPING) {
                // Shut down just as its turn came: it never started, so it is off at once.
                move(GuestState.OFF, "shut down before it booted");
                again = bootWhenOff;
                bootWhenOff = false;
            }
        }
        changed();
        if (!boots) {
            endTurn(thisRun);
            if (again) {
                boot();
            }
            return;
        }
        Outcome outcome = launch.get();
        if (!outcome.ok()) {
            console.announce(outcome.message());
        }
    }

    /** Starts run {@code thisRun} (its turn taken); {@code before} is the status it leaves if it cannot start. */
    private Outcome launch(long thisRun, GuestStatus before, Setup booting) {
        Spawned spawned;
        try {
            spawned = spawn(booting);
        } catch (IOException e) {
            // The message names the guest and why it did not start.
            log.warn("{}", e.getMessage());
            notStarted(thisRun, before);
            return Outcome.refused(e.getMessage());
        }
        return started(thisRun, spawned);
    }

    /** The keeper started run {@code thisRun}'s UML: it boots on, unless a stop came meanwhile or it is gone already. */
    private Outcome started(long thisRun, Spawned spawned) {
        SpawnVerdict verdict;
        synchronized (this) {
            verdict = SpawnVerdict.of(run == thisRun, status.state());
            if (verdict != SpawnVerdict.GONE) {
                unapplied = String.join("; ", spawned.unapplied());
                status = new GuestStatus(status.state(), status.since(), verdict == SpawnVerdict.KEEP ? unapplied : status.detail(),
                        spawned.pid());
            }
        }
        spawned.unapplied().forEach(line -> log.warn("{}: {}", name(), line));
        if (verdict != SpawnVerdict.KEEP) {
            endTurn(thisRun);
        }
        switch (verdict) {
            case KEEP -> {
                meters.boots().inc();
                console.announce(name() + " is booting");
                scheduler.schedule(() -> pollReady(thisRun), READY_POLL.toMillis(), TimeUnit.MILLISECONDS);
                Duration bound = setup.config().bootTimeout();
                if (!bound.isZero()) {
                    scheduler.schedule(() -> watchBoot(thisRun, bound), bound.toMillis(), TimeUnit.MILLISECONDS);
                }
                if (!spawned.unapplied().isEmpty()) {
                    changed();
                }
                return Outcome.done(name() + " is booting");
            }
            case STOP -> {
                // Asked to stop while the keeper started it: its kernel has barely begun, nothing of the guest ran
                // that a kill could lose, and its mconsole may not exist yet to be asked. Its exit ends the run.
                log.info("{}: stopped as it started (pid {})", name(), spawned.pid());
                posix.kill((int) spawned.pid(), Signal.SIGKILL.intValue());
                return Outcome.refused(name() + " was stopped while it started");
            }
            default -> {
                return Outcome.refused(name() + " ended as it started");
            }
        }
    }

    /** Run {@code thisRun} never had a UML: the guest is back where it was (a stop asked meanwhile has nothing to stop). */
    private void notStarted(long thisRun, GuestStatus before) {
        endTurn(thisRun);
        synchronized (this) {
            if (run != thisRun) {
                return;
            }
            status = before;
            stopRequested = false;
            bootWhenOff = false;
        }
        changed();
    }

    /**
     * At start: a UML that an earlier gateway left running keeps running. It can be watched and shut down
     * through mconsole and its pid, but its console stays with the process that held it.
     */
    public void adoptLeftover() {
        long pid = livePid();
        if (pid == 0) {
            return;
        }
        long thisRun;
        synchronized (this) {
            thisRun = ++run;
            consoleLost = true;
            status = new GuestStatus(GuestState.RUNNING, Instant.now(), CONSOLE_LOST, pid);
        }
        log.info("{} is running already (pid {}); its console is not reachable until it boots again", name(), pid);
        scheduler.schedule(() -> pollAlive(thisRun, pid), 1, TimeUnit.SECONDS);
    }

    /**
     * Graceful: a full shutdown, then a boot. Hard: a halt at once, then a boot, like a reset button. Not mconsole
     * {@code reboot}: with it UML executes itself anew in the same process while helper processes of the old kernel
     * may still hold its COW file's lock, and the new kernel then cannot open its root disk (seen on Debian's 6.1 in
     * about one reset of five). A boot after a halt starts only once every process of the run is gone.
     */
    public Outcome reboot(boolean hard) {
        synchronized (this) {
            if (waitingStart != null) {
                return Outcome.done(name() + " " + WAITS_ITS_TURN + " already");
            }
        }
        Outcome stopping = stop(hard, true);
        if (!stopping.ok()) {
            return stopping;
        }
        return Outcome.done(name() + (hard ? " is rebooting (hard)" : " is rebooting: shutting down, then booting"));
    }

    /**
     * Plugs the {@code n}th of the guest's {@code [[hotplug]]} disks into it while it runs (mconsole
     * {@code config ubdN=...}), or unplugs it ({@code remove ubdN}). The guest's file names the disks an admin
     * may plug: no path comes from a session.
     */
    public Outcome hotplug(int n, boolean plug) {
        GuestConfig config = setup.config();
        if (n < 0 || n >= config.hotplug().size()) {
            return Outcome.refused(name() + " has no hot-plug disk " + (n + 1));
        }
        if (status().state() != GuestState.RUNNING) {
            return Outcome.refused(name() + " is " + status().state().label().toLowerCase() + ", not running");
        }
        int index = UmlCommandLine.hotplugIndex(config, n);
        String command = plug ? "config " + UmlCommandLine.device(config, index, config.hotplug().get(n)) : "remove ubd" + index;
        String what = (plug ? "plugging ubd" + index + " into " : "unplugging ubd" + index + " from ") + name();
        try {
            MconsoleReply reply = setup.mconsole().send(command);
            return reply.ok() ? Outcome.done(what + ": done") : Outcome.refused(what + " failed: " + reply.text().strip());
        } catch (MconsoleException e) {
            return Outcome.refused(what + " failed: " + e.getMessage());
        }
    }

    /** Whether the {@code n}th hot-plug disk is plugged, as the guest's kernel says ({@code config ubdN}). */
    public boolean plugged(int n) {
        try {
            MconsoleReply reply = setup.mconsole().send("config ubd" + UmlCommandLine.hotplugIndex(setup.config(), n));
            return reply.ok() && !reply.text().isBlank();
        } catch (MconsoleException e) {
            return false;
        }
    }

    /** Graceful unless {@code halt}: asks init to power off, halts at the deadline, kills if even that fails. */
    public Outcome shutdown(boolean halt) {
        return stop(halt, false);
    }

    private Outcome stop(boolean halt, boolean thenBoot) {
        Outcome withdrawn = thenBoot ? null : withdrawWaitingBoot();
        if (withdrawn != null) {
            return withdrawn;
        }
        long target;
        long pid;
        synchronized (this) {
            if (!status.state().mayShutDown()) {
                return Outcome.refused(name() + " is " + status.state().label().toLowerCase());
            }
            target = run;
            pid = status.pid();
            stopRequested = true;
            bootWhenOff = thenBoot;
            move(GuestState.STOPPING, halt ? "halting" : "shutting down");
        }
        changed();
        // The guest is asked on the scheduler, not on the caller's thread (a session's): a stopped or hung UML
        // answers nothing, and its mconsole's timeout would hold the menu or verb that asked.
        Duration untilHalt = halt ? Duration.ZERO : setup.config().shutdownTimeout();
        // Told on the scheduler too, and waited for a short while: once the caller hears "shutting down", a gateway
        // killed at that moment must leave the keeper knowing it; a stopped keeper must not hold the caller long.
        StopIntent intent = new StopIntent(Instant.now().plus(untilHalt).toEpochMilli(), thenBoot);
        CompletableFuture<Boolean> kept = CompletableFuture.supplyAsync(() -> keepIntent(pid, intent), scheduler);
        if (halt) {
            scheduler.execute(() -> halt(target));
        } else {
            scheduler.execute(() -> ask("cad"));
            scheduler.schedule(() -> halt(target), untilHalt.toMillis(), TimeUnit.MILLISECONDS);
        }
        String done = name() + (halt ? " is halting" : " is shutting down");
        return Outcome.done(kept(kept) ? done : done + " (the console keeper did not confirm it: a gateway restarted"
                + " before it ends will not carry it on)");
    }

    /** A shutdown of a boot that still waits for its turn calls it off; null if none waits (or its turn just came). */
    private Outcome withdrawWaitingBoot() {
        synchronized (this) {
            if (waitingStart == null || !turns.withdraw(waitingStart)) {
                return null;
            }
            waitingStart = null;
            move(GuestState.OFF, "its boot was called off while it waited its turn");
        }
        changed();
        return Outcome.done(name() + " is off: its boot was called off while it waited its turn");
    }

    private static boolean kept(CompletableFuture<Boolean> kept) {
        try {
            return kept.get(INTENT_KEPT_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The keeper keeps the shutdown with the run, so that a gateway started after this one dies carries it on. */
    private boolean keepIntent(long pid, StopIntent intent) {
        try {
            keeper.stopping(name(), pid, intent);
            return true;
        } catch (IOException e) {
            log.warn("{}: the keeper was not told of the shutdown ({}); a gateway restarted before it ends will not carry it on",
                    name(), e.getMessage());
            return false;
        }
    }

    /**
     * Has the keeper start the guest. The keeper, not the gateway, makes and hands over the guest's files (UML
     * directory, COW directories, swap files): they lie where the guest's user may write, and the keeper is the one
     * that acts there link-safely. Runs without the monitor (see {@link #boot}); {@code booting} is the set-up the
     * boot began with. The message of its exception is a sentence for the user.
     */
    private Spawned spawn(Setup booting) throws IOException {
        String blocker = staleOrForeign(booting);
        if (blocker != null) {
            throw new IOException(blocker);
        }
        GuestConfig config = booting.config();
        if (config.host().jail().isPresent() && !booting.kernel().startsWith(config.host().jail().get())) {
            throw new IOException(name() + " did not start: its kernel " + booting.kernel() + " is outside its jail "
                    + config.host().jail().get());
        }
        for (GuestConfig.Disk disk : config.disks()) {
            if (!Files.isReadable(disk.image())) {
                throw new IOException(name() + " did not start: its disk image " + disk.image() + " is missing or unreadable");
            }
        }
        List<Path> cows = config.disks().stream().flatMap(disk -> disk.cow().stream()).toList();
        try {
            if (config.host().user().isPresent()) {
                openWayForItsUser(booting, cows);
            }
            Confinement confinement = new Confinement(config.host(),
                    config.hostfs().filter(GuestConfig.HostDir::readOnly).map(GuestConfig.HostDir::dir),
                    config.network(), config.disks().stream().map(GuestConfig.Disk::image).toList(),
                    booting.umlDir(), cows, config.swaps());
            return keeper.spawn(name(), booting.umlDir(), UmlCommandLine.of(config, booting.kernel(), booting.umlDir()),
                    Map.of("PATH", "/usr/bin:/bin", "TMPDIR", System.getProperty("java.io.tmpdir")), 80, 24, confinement);
        } catch (IOException e) {
            throw new IOException(name() + " did not start: " + e.getMessage(), e);
        }
    }

    /**
     * A guest run as its own host user must reach the files the keeper makes and hands it. The state directory and
     * those below it are root's and closed to others (umask 077), so the way down to the directories that hold the
     * guest's files lets others pass (search bit only, mode 0711: no listing, no reading). Only root's directories,
     * which the guest's user cannot change, are touched here; the keeper makes the rest (passable too) and hands
     * them over, link-safely.
     */
    private void openWayForItsUser(Setup booting, List<Path> cows) throws IOException {
        Path top = sharedUmlDir.getParent();
        PrivateFiles.passage(booting.umlDir().toAbsolutePath().getParent(), top);
        for (Path cow : cows) {
            PrivateFiles.passage(cow.toAbsolutePath().getParent().getParent(), top);
        }
        for (GuestConfig.Swap swap : booting.config().swaps()) {
            PrivateFiles.passage(swap.file().toAbsolutePath().getParent().getParent(), top);
        }
    }

    /**
     * Where UML keeps {@code UMID/}: a jailed UML must find it inside its jail, and one run as its own user needs a
     * directory that user may write (UML replaces a stale {@code UMID/} itself), so neither shares the gateway's.
     */
    static Path umlDirOf(GuestConfig config, Path shared) {
        if (config.host().jail().isPresent()) {
            return config.host().jail().get().resolve("uml");
        }
        return config.host().user().map(user -> shared.resolve("user-" + user)).orElse(shared);
    }

    /**
     * UML leaves {@code UMID/} behind when it dies hard; a live pid there means another UML holds the umid
     * (a guest started outside this gateway), which must not be booted twice.
     */
    private String staleOrForeign(Setup booting) {
        Path dir = booting.umlDir().resolve(booting.config().umid());
        long pid = livePid();
        if (pid != 0) {
            return name() + " runs already outside this gateway (pid " + pid + ", umid " + booting.config().umid() + ")";
        }
        try {
            FileTrees.delete(dir);
            return null;
        } catch (IOException e) {
            return name() + " cannot boot: its UML directory " + dir + " cannot be cleaned (" + e.getMessage() + ")";
        }
    }

    /** The pid in {@code UMID/pid} if that process is this guest's UML and lives, else 0 (see {@link StrayUml}). */
    private long livePid() {
        return StrayUml.find(setup.umlDir(), setup.config().umid(), umlUid());
    }

    /** The uid this guest's UML runs as: its host user's, or the keeper's (which is ours); -1 if that user is gone. */
    private int umlUid() {
        Optional<String> user = setup.config().host().user();
        if (user.isEmpty()) {
            return posix.geteuid();
        }
        Passwd entry = posix.getpwnam(user.get());
        return entry == null ? -1 : (int) entry.getUID();
    }

    /**
     * The keeper that held this guest's UML and console is gone: the UML runs on (the keeper's death closed its
     * console), so it is followed by its pid from now on, and is still shut down through mconsole.
     */
    public void keeperLost() {
        long thisRun;
        long pid;
        synchronized (this) {
            if (!status.state().alive() || consoleLost) {
                return;
            }
            consoleLost = true;
            thisRun = run;
            pid = status.pid();
            status = new GuestStatus(status.state(), status.since(), CONSOLE_LOST, pid);
        }
        log.warn("{} runs on (pid {}) without its console: the console keeper that held it is gone", name(), pid);
        scheduler.schedule(() -> pollAlive(thisRun, pid), 1, TimeUnit.SECONDS);
        changed();
    }

    /** True while this guest's UML runs without a console (its keeper was lost). */
    public synchronized boolean consoleLost() {
        return consoleLost;
    }

    /** A UML taken over from an earlier keeper counts as running while its pid is still that UML. */
    private void pollAlive(long thisRun, long pid) {
        if (!StrayUml.isUmlOf(pid, setup.config().umid(), umlUid())) {
            ended(thisRun, 0);
        } else if (isCurrent(thisRun)) {
            scheduler.schedule(() -> pollAlive(thisRun, pid), 1, TimeUnit.SECONDS);
        }
    }

    /** The keeper reaped this guest's UML: {@code exitCode} as a shell reports it (128 + signal). */
    public void exited(int exitCode) {
        long thisRun;
        synchronized (this) {
            thisRun = run;
        }
        ended(thisRun, exitCode);
    }

    /**
     * At start: the keeper runs this guest already (an earlier gateway booted it). Its console is ours again
     * through the keeper; it is running once its kernel has its disks. A shutdown that gateway began goes on to its
     * deadline, then to halt and kill.
     */
    public void resume(long pid, StopIntent stop) {
        long thisRun;
        synchronized (this) {
            thisRun = ++run;
            stopRequested = stop.underWay();
            bootWhenOff = stop.thenBoot();
            status = stop.underWay() ? new GuestStatus(GuestState.STOPPING, Instant.now(), "shutting down", pid)
                    : new GuestStatus(GuestState.BOOTING, Instant.now(), "", pid);
            if (!stop.underWay()) {
                // It may be in its kernel's start still: it holds a turn until it runs, as if this gateway booted it.
                turns.hold();
                turnRun = thisRun;
            }
        }
        log.info("{} runs already (pid {}), its console is held by the keeper{}", name(), pid,
                stop.underWay() ? "; its shutdown goes on" : "");
        if (stop.underWay()) {
            // The earlier gateway may have died before it asked; asked twice, init runs its action twice, harmlessly.
            long untilHalt = Math.max(0, stop.deadline() - System.currentTimeMillis());
            if (untilHalt > 0) {
                scheduler.execute(() -> ask("cad"));
            }
            scheduler.schedule(() -> halt(thisRun), untilHalt, TimeUnit.MILLISECONDS);
        } else {
            // Asked on the scheduler, not on the starting thread: a hundred guests' mconsole round trips one after the
            // other held the gateway's start (and its SSH port) for some 2 s on a loaded host.
            scheduler.execute(() -> pollReady(thisRun));
        }
    }

    private void ended(long thisRun, int exitCode) {
        endTurn(thisRun);
        String line;
        boolean again;
        synchronized (this) {
            if (run != thisRun || !status.state().alive()) {
                return;
            }
            consoleLost = false;
            boolean hung = hungRun == thisRun && !stopRequested;
            hungRun = 0;
            // One retry per hung boot: a hang of the retry as well is a crash, and the restart policy decides.
            retryingHang = hung && !retryingHang;
            if (retryingHang) {
                line = name() + " hung in its boot (no mconsole within " + setup.config().bootTimeout().toSeconds()
                        + " s) and was killed; booting it once more";
                move(GuestState.CRASHED, "boot hung; booting again");
                again = true;
            } else {
                line = settle(hung ? "its boot hung twice in a row" : describe(exitCode), exitCode);
                again = bootWhenOff || (!stopRequested && setup.config().restart().wants(exitCode != 0));
                bootWhenOff = false;
                if (again && !stopRequested && !underSpinLimit()) {
                    again = false;
                    line += "; it restarted " + setup.config().restart().max() + " times within "
                            + setup.config().restart().window().toSeconds() + " s, so it stays down";
                }
                if (again && !stopRequested) {
                    meters.restarts().inc();
                }
            }
        }
        log.info(line);
        console.announce(line);
        changed();
        if (again) {
            scheduler.schedule(this::restart, 1, TimeUnit.SECONDS);
        }
    }

    /** Caller holds the monitor. Moves an ended run to off or crashed ({@code why}); returns the line that says so. */
    private String settle(String why, int exitCode) {
        if (stopRequested) {
            move(GuestState.OFF, "shut down");
            return name() + " is off";
        }
        if (exitCode == 0) {
            move(GuestState.OFF, "powered off from inside");
            return name() + " powered off from inside";
        }
        move(GuestState.CRASHED, why);
        meters.crashes().inc();
        return name() + " crashed: " + why;
    }

    /** Caller holds the monitor. Counts a restart if the policy's limit allows one more within its window. */
    private boolean underSpinLimit() {
        Instant now = Instant.now();
        while (!restarts.isEmpty() && restarts.peekFirst().isBefore(now.minus(setup.config().restart().window()))) {
            restarts.removeFirst();
        }
        if (restarts.size() >= setup.config().restart().max()) {
            return false;
        }
        restarts.addLast(now);
        return true;
    }

    private void restart() {
        Outcome outcome = boot();
        if (!outcome.ok()) {
            log.warn("{}: restart refused: {}", name(), outcome.message());
            console.announce("restart failed: " + outcome.message());
        }
    }

    /** pty4j reports a signal death as 128 + signal, like a shell does. */
    static String describe(int exitCode) {
        if (exitCode > 128 && exitCode < 128 + 65) {
            int signal = exitCode - 128;
            return "killed by signal " + signal + " (" + Signal.valueOf(signal).name() + ")";
        }
        return "UML exited with status " + exitCode;
    }

    private void pollReady(long thisRun) {
        if (!isBooting(thisRun)) {
            return;
        }
        if (hasItsRootDisk()) {
            synchronized (this) {
                if (isBooting(thisRun)) {
                    retryingHang = false;
                    move(GuestState.RUNNING, consoleLost ? CONSOLE_LOST : unapplied);
                }
            }
            endTurn(thisRun);
            changed();
        } else {
            scheduler.schedule(() -> pollReady(thisRun), readyPollDelay(bootingFor()).toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The boot watchdog, {@code bound} after the keeper started run {@code thisRun}: a UML that has not opened its
     * mconsole by then hung early in its kernel's start (Debian's 6.1 spun for ever before its banner, in about one
     * boot of 200, when a console kick came too early: see ConsolePort; this catches whatever else may hang it
     * there). It is killed; the keeper ends what it left (as after a crash) and reports the exit, and {@link #ended}
     * boots the guest once more. A slow boot that has its mconsole is left alone: {@link #pollReady} follows it.
     */
    private void watchBoot(long thisRun, Duration bound) {
        if (!isBooting(thisRun) || Files.exists(setup.mconsole().socket())) {
            return;
        }
        long pid;
        synchronized (this) {
            if (!isBooting(thisRun) || stopRequested) {
                return;
            }
            hungRun = thisRun;
            pid = status.pid();
            status = new GuestStatus(GuestState.BOOTING, status.since(), "boot hung: killing it", pid);
        }
        String line = name() + " has no mconsole " + bound.toSeconds() + " s into its boot: its boot hung, killing pid " + pid;
        log.warn(line);
        console.announce(line);
        meters.bootHangs().inc();
        changed();
        if (posix.kill((int) pid, Signal.SIGKILL.intValue()) != 0) {
            log.warn("{}: killing pid {} failed: {}", name(), pid, posix.strerror(posix.errno()));
        }
    }

    /** A boot takes seconds; one that has not answered for half a minute is asked every 2 s, not 4 times a second. */
    static Duration readyPollDelay(Duration booting) {
        return booting.compareTo(READY_POLL_PATIENCE) < 0 ? READY_POLL : READY_POLL_SLOW;
    }

    private synchronized Duration bootingFor() {
        return Duration.between(status.since(), Instant.now());
    }

    private synchronized boolean isBooting(long thisRun) {
        return run == thisRun && status.state() == GuestState.BOOTING;
    }

    /**
     * Running once the kernel has set up its disks, not when mconsole first answers: that is earlier in the boot,
     * and a disk plugged before the ubd driver's own start is added twice, which panics the kernel (UML 7.2).
     */
    private boolean hasItsRootDisk() {
        try {
            MconsoleReply reply = setup.mconsole().send("proc partitions");
            return reply.ok() && GuestProc.listsDevice(reply.text(), "ubda");
        } catch (MconsoleException e) {
            return false;
        }
    }

    private void halt(long target) {
        if (!isCurrent(target)) {
            return;
        }
        log.info("{}: halting", name());
        ask("halt");
        scheduler.schedule(() -> kill(target), HALT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void kill(long target) {
        long pid;
        synchronized (this) {
            pid = isCurrent(target) ? status.pid() : 0;
        }
        if (pid != 0) {
            log.warn("{} did not halt within {}s, killing pid {}", name(), HALT_GRACE.toSeconds(), pid);
            console.announce(name() + " did not halt within " + HALT_GRACE.toSeconds() + " s: killing it");
            posix.kill((int) pid, Signal.SIGKILL.intValue());
        }
    }

    private void ask(String command) {
        try {
            setup.mconsole().send(command);
        } catch (MconsoleException e) {
            log.info("{}: {} (the deadline still applies)", name(), e.getMessage());
        }
    }

    /** Run {@code thisRun} ends the boot turn it holds, if it holds one: its kernel's start is over. */
    private void endTurn(long thisRun) {
        synchronized (this) {
            if (turnRun != thisRun || thisRun == 0) {
                return;
            }
            turnRun = 0;
        }
        turns.end();
    }

    /** True while run {@code target} is the latest and its UML still lives. */
    private synchronized boolean isCurrent(long target) {
        return run == target && status.state().alive();
    }

    /** Caller holds the monitor. */
    private void move(GuestState next, String why) {
        log.debug("{}: {} -> {} {}", name(), status.state(), next, why);
        status = status.to(next, why);
    }

    private void changed() {
        try {
            onChange.accept(this);
        } catch (RuntimeException e) {
            log.warn("a listener of {} failed", name(), e);
        }
    }
}
