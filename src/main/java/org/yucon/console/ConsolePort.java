package org.yucon.console;

import com.pty4j.PtyProcess;
import com.pty4j.WinSize;
import com.pty4j.unix.Pty;
import com.pty4j.unix.UnixPtyProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import jnr.constants.platform.Errno;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master side of the pty that one run of a UML guest has as its console ({@code con0=fd:0,fd:1}).
 *
 * <p>UML stalls its console when the pty is not drained at once, and can miss a wake-up for good (FIELD-NOTES):
 * so reads are plain read(2) calls on the master in large chunks, and when output stops right after activity
 * the guest is sent SIGIO a few times with growing pauses (2, 4, 8 ... ms), never while it is quiet for long.
 * The first kick comes soon because a flood stalls this way many times (measured through the gateway: 6-14 stalls
 * per 10 MB, each as long as the first kick took, a quarter of the flood's time with kicks from 20 ms).
 * Input that the guest has not answered yet is kicked sooner, 0.5, 1, 2 ... ms after it was written: a UML that
 * takes the SIGIO of a key just as it goes idle sleeps on with the key unread (seen with strace: the pty's SIGIO
 * handled, then sigsuspend), and about 1 % of keys typed in a row land there (BENCHMARKS.md).
 *
 * <p>A window size reaches the guest only once it can take the SIGWINCH that comes with it (see {@link #resize}).
 *
 * <p>Reads happen on the keeper's console reader thread; writes and resizes on the link's thread; the kick watch
 * runs on the shared scheduler, armed by activity and only while kicks are due, so an idle console costs nothing;
 * the size watch runs there too, only while a size is held.
 */
public final class ConsolePort {
    /** Where the guest's output goes as it is read; the bytes are the reader's own again once this returns. */
    public interface Output {
        void received(byte[] bytes, int length);
    }

    /** The most one read(2) of the pty takes: a pty holds far less (4 KB in Linux's line discipline). */
    private static final int READ_BYTES = 64 * 1024;
    private static final long FIRST_KICK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int KICKS_PER_LULL = 7;
    private static final long FIRST_INPUT_KICK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    /** Up to 32 ms after the input: a guest that does not echo (a password prompt) is asked no more than that. */
    private static final int KICKS_PER_INPUT = 7;
    /** How soon a held window size is offered again, doubling up to the last: a UML can take one within 0.1 s. */
    private static final long FIRST_SIZE_WATCH_MILLIS = 5;
    private static final long LAST_SIZE_WATCH_MILLIS = 320;
    private static final String SIG_CGT = "\nSigCgt:";
    /** A UML that catches both can take a SIGIO: see {@link #watch}. */
    private static final long KICK_MASK = mask(Signal.SIGIO) | mask(Signal.SIGALRM);
    /** A UML that catches both can take a SIGWINCH: see {@link #takesWindowChanges}. */
    private static final long WINDOW_CHANGE_MASK = mask(Signal.SIGWINCH) | mask(Signal.SIGALRM);
    /**
     * Input pacing. A UML guest takes console input far slower than a pty accepts it, and input that outruns it
     * does not just wait: the guest's console stops taking input for good (measured: a 4 KiB paste in one write
     * killed it, as did 100 KB/s in chunks of 512 or 1024 bytes; 64 KiB at 12.8 and 25.6 KB/s arrived whole).
     * So input goes to the pty at most {@value #INPUT_BURST} bytes at a time and at 12.8 KB/s on average; a
     * keystroke, or a short burst after a pause, goes at once.
     */
    private static final int INPUT_BURST = 128;
    private static final long INPUT_NANOS_PER_BYTE = TimeUnit.MILLISECONDS.toNanos(10) / INPUT_BURST;

    private static final Logger log = LoggerFactory.getLogger(ConsolePort.class);
    private final PtyProcess process;
    /** The pty whose master this port reads and writes: closed once the guest is reaped and its reader ended. */
    private final Pty pty;
    private final int masterFd;
    private final POSIX posix;
    private final ScheduledExecutorService scheduler;
    private final Path status;
    /**
     * When bytes last moved either way, when the guest last printed and when input was last written (System.nanoTime);
     * written by reader and writer, read by the kick watch.
     */
    private volatile long lastActivity = System.nanoTime();
    private volatile long lastOutput = lastActivity;
    private volatile long lastInput = lastActivity;
    private final Object watchLock = new Object();
    /** Whether a kick watch is scheduled, and when it runs (System.nanoTime); guarded by watchLock, read without. */
    private volatile boolean armed;
    private volatile long armedAt;
    private volatile boolean closed;
    /** When the input written so far will have been taken at the paced rate (System.nanoTime); guarded by this. */
    private long inputDrained = System.nanoTime();
    private final Object sizeLock = new Object();
    /** The latest window size the guest could not take yet, or null; guarded by sizeLock (set: a size watch runs). */
    private WinSize heldSize;
    /** Kicks due since lastActivity (lullKicks) and since lastInput (inputKicks); guarded by watchLock. */
    private int lullKicks;
    private long lullFor;
    private int inputKicks;
    private long inputFor;

    public ConsolePort(UnixPtyProcess process, POSIX posix, ScheduledExecutorService scheduler) {
        this.process = process;
        this.pty = process.getPty();
        this.masterFd = pty.getMasterFD();
        this.posix = posix;
        this.scheduler = scheduler;
        this.status = Path.of("/proc", String.valueOf(process.pid()), "status");
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Reads the guest's output into {@code ring} as fast as it comes, until the guest closes its console. The read(2)
     * goes into a direct buffer: into a Java array, jnr copies the array's whole length back after every call, however
     * little was read (64 KB for a key's echo: the reader's CPU per echoed key went from 22-28 to 14 µs without it).
     */
    public void drainInto(Output output) {
        ByteBuffer direct = ByteBuffer.allocateDirect(READ_BYTES);
        byte[] buffer = new byte[READ_BYTES];
        for (int n = read(direct); n > 0; n = read(direct)) {
            direct.get(0, buffer, 0, n);
            output.received(buffer, n);
        }
    }

    /** Blocks until the guest prints; -1 once the guest has closed its console (it exited). */
    private int read(ByteBuffer buffer) {
        int n;
        do {
            n = posix.read(masterFd, buffer, buffer.capacity());
        } while (n < 0 && posix.errno() == Errno.EINTR.intValue());
        if (n > 0) {
            long now = System.nanoTime();
            lastOutput = now;
            activity(now);
        }
        return n;
    }

    /** Types into the guest, paced (see {@link #INPUT_BURST}): returns once the last byte is written to the pty. */
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("the console is closed: its guest has ended");
        }
        for (int at = 0; at < length; at += INPUT_BURST) {
            int n = Math.min(INPUT_BURST, length - at);
            awaitInputRoom();
            writeFully(Arrays.copyOfRange(bytes, offset + at, offset + at + n));
            inputDrained = Math.max(inputDrained, System.nanoTime()) + n * INPUT_NANOS_PER_BYTE;
        }
    }

    /** Waits until earlier input has had its time at the paced rate. */
    private void awaitInputRoom() throws IOException {
        long wait = inputDrained - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while pacing input to the console", e);
            }
        }
    }

    private void writeFully(byte[] chunk) throws IOException {
        // Stamped before the write: an echo read before this thread runs on is still an answer to it.
        long written = System.nanoTime();
        lastInput = written;
        int done = 0;
        while (done < chunk.length) {
            int n = posix.write(masterFd, done == 0 ? chunk : Arrays.copyOfRange(chunk, done, chunk.length), chunk.length - done);
            if (n < 0) {
                if (posix.errno() == Errno.EINTR.intValue()) {
                    continue;
                }
                throw new IOException("writing to the console failed: " + posix.strerror(posix.errno()));
            }
            done += n;
        }
        activity(System.nanoTime());
        arm(written + FIRST_INPUT_KICK_NANOS);
    }

    /**
     * Gives the guest's tty this window size, which sends the guest a SIGWINCH. UML catches SIGWINCH from early in
     * its start but can take one only once its interrupts exist: one before that panics it ("Segfault with no mm",
     * {@code winch -> do_IRQ -> handle_bad_irq}), and UML starts anew on every reboot (it execs itself). So while the
     * guest cannot take it, the size is held, and the latest one held is applied as soon as it can.
     */
    public void resize(int columns, int rows) {
        synchronized (sizeLock) {
            boolean watched = heldSize != null;
            heldSize = new WinSize(columns, rows);
            if (!watched) {
                offerHeldSize(FIRST_SIZE_WATCH_MILLIS);
            }
        }
    }

    /** Applies the held size if the guest can take it now, else looks again in {@code millis}. Holds sizeLock. */
    private void offerHeldSize(long millis) {
        if (closed) {
            heldSize = null;
        } else if (takesWindowChanges()) {
            WinSize size = heldSize;
            heldSize = null;
            process.setWinSize(size);
        } else {
            scheduler.schedule(() -> {
                synchronized (sizeLock) {
                    offerHeldSize(Math.min(2 * millis, LAST_SIZE_WATCH_MILLIS));
                }
            }, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the stall and size watches. */
    public void close() {
        closed = true;
    }

    /**
     * Closes the pty's master and its pipe, which pty4j would leave open until its finalizer ran (the soak saw a
     * keeper hold three descriptors more for each run the collector had not reached yet). Only once the reader has
     * ended: a descriptor closed under a read(2) may be the next guest's by the time it is read again. A write under
     * way finishes first, later ones and window changes find the port closed.
     */
    public void release() {
        close();
        synchronized (this) {
            synchronized (sizeLock) {
                try {
                    pty.close();
                } catch (IOException e) {
                    log.debug("closing the console pty: {}", e.toString());
                }
            }
        }
    }

    /** Stamps activity at {@code now} and makes sure a kick watch runs by the lull's first kick. */
    private void activity(long now) {
        lastActivity = now;
        arm(now + FIRST_KICK_NANOS);
    }

    /**
     * Makes sure a kick watch runs by {@code due}: one scheduled later (a lull's late kick) does not make a new key
     * wait for it. Cheap while bytes flow: a watch is then due sooner already, which is seen without the lock.
     */
    private void arm(long due) {
        if (armed && armedAt - due <= 0) {
            return;
        }
        synchronized (watchLock) {
            if (closed || (armed && armedAt - due <= 0)) {
                return;
            }
            armed = true;
            armedAt = due;
        }
        scheduler.schedule(this::watch, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * The kick watch: sends the guest one SIGIO when a kick is due, for the lull since the last activity or for input
     * that has had no answer, then arms itself for the next one due. A run that finds a sooner watch armed since it
     * was scheduled leaves the work to that one. Only a UML that catches SIGALRM as well as SIGIO is kicked. It
     * catches SIGIO from before its kernel starts (start_uml), but a SIGIO that comes before its interrupts exist can
     * send it into a fault loop for good: it dereferences NULL in its signal path, and the SIGSEGV handler faults
     * again. The lull after the early line "Adding ... bytes to physical memory to account for exec-shield gap"
     * brought just such kicks, and about one boot in 200 hung there, spinning, before "Linux version" (Debian's 6.1,
     * AMD EPYC; BENCHMARKS.md). SIGALRM's handler comes with time_init, after init_IRQ.
     */
    private void watch() {
        boolean kick;
        OptionalLong next;
        synchronized (watchLock) {
            long now = System.nanoTime();
            if (!armed || now - armedAt < 0) {
                return;
            }
            armed = false;
            kick = kicksDue(now);
            next = nextKickDue();
            if (closed || next.isEmpty()) {
                return;
            }
            armed = true;
            armedAt = next.getAsLong();
        }
        // Counted whether or not it is sent: a guest that does not take SIGIO (yet) is asked as rarely.
        if (kick && catches(KICK_MASK)) {
            posix.kill((int) process.pid(), Signal.SIGIO.intValue());
        }
        scheduler.schedule(this::watch, Math.max(0, next.getAsLong() - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Counts the kicks due by {@code now} (both kinds): whether one is to be sent. Holds watchLock. */
    private boolean kicksDue(long now) {
        long activity = lastActivity;
        if (activity != lullFor) {
            lullFor = activity;
            lullKicks = 0;
        }
        long input = lastInput;
        if (input != inputFor) {
            inputFor = input;
            inputKicks = 0;
        }
        boolean kick = false;
        if (reached(lullKickDue(), now)) {
            lullKicks++;
            kick = true;
        }
        if (reached(inputKickDue(), now)) {
            inputKicks++;
            kick = true;
        }
        return kick;
    }

    /** The sooner of the next kicks due, if any is. Holds watchLock. */
    private OptionalLong nextKickDue() {
        return LongStream.concat(lullKickDue().stream(), inputKickDue().stream()).reduce((a, b) -> a - b <= 0 ? a : b);
    }

    private OptionalLong lullKickDue() {
        return lullKicks < KICKS_PER_LULL ? OptionalLong.of(lullFor + (FIRST_KICK_NANOS << lullKicks)) : OptionalLong.empty();
    }

    /** None once the guest has printed since the input: its answer, or at least a sign that it is awake. */
    private OptionalLong inputKickDue() {
        boolean answered = lastOutput - inputFor >= 0;
        return answered || inputKicks >= KICKS_PER_INPUT ? OptionalLong.empty()
                : OptionalLong.of(inputFor + (FIRST_INPUT_KICK_NANOS << inputKicks));
    }

    private static boolean reached(OptionalLong due, long now) {
        return due.isPresent() && now - due.getAsLong() >= 0;
    }

    /**
     * Whether the guest can take a SIGWINCH. UML installs its handler for it with SIGIO's, before its interrupts
     * exist; its timer's SIGALRM handler comes once they do (start_kernel: early_irq_init, init_IRQ, then time_init).
     * Measured here: 7 of 8 SIGWINCHs panicked UML while it caught SIGWINCH but not SIGALRM, 0 of 12 once it caught
     * both. Before its console is open UML ignores the interrupt, and reads the size when it opens it.
     */
    private boolean takesWindowChanges() {
        return catches(WINDOW_CHANGE_MASK);
    }

    /**
     * Whether the process catches all of {@code signals} (a mask), as its SigCgt in /proc says. SIGIO's default
     * action is to terminate: UML installs its handler only some way into its boot, and a kick before that kills the
     * guest (and UML re-executes itself on a guest reboot). Read as bytes, not lines: this runs at the start of every
     * lull, right when the next keystroke tends to come (as lines it took a tenth of the keeper's CPU in an echo
     * profile).
     */
    private boolean catches(long signals) {
        try {
            return (caughtSignals(Files.readAllBytes(status)) & signals) == signals;
        } catch (IOException e) {
            return false;   // gone, or not Linux's /proc: then a signal could not help anyway
        }
    }

    private static long mask(Signal signal) {
        return 1L << (signal.intValue() - 1);
    }

    /** The SigCgt mask of a /proc status file, 0 if it has none (or not as Linux writes it). */
    static long caughtSignals(byte[] status) {
        String text = new String(status, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(SIG_CGT);
        if (at < 0) {
            return 0;
        }
        int end = text.indexOf('\n', at + 1);
        try {
            return Long.parseUnsignedLong(text.substring(at + SIG_CGT.length(), end < 0 ? text.length() : end).trim(), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
