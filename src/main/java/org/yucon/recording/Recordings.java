package org.yucon.recording;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.RecordingSettings;
import org.yucon.util.PrivateFiles;

/**
 * The recordings of console sessions under {@code state/recordings/GUEST/ID.cast}, for any front: starts one per
 * console attachment, lists them, opens one by its id, and deletes those past the age or total size kept.
 *
 * <p>An id is a number and nothing else, looked up among the files that exist: no name a client gives becomes a
 * path. Ids grow from the largest found at start. One writer thread writes every recording ({@link CastRecording});
 * the viewers' threads only queue.
 */
public final class Recordings implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Recordings.class);
    private static final Pattern FILE = Pattern.compile("([0-9]{1,18})\\.cast");
    private static final Pattern ID = Pattern.compile("[0-9]{1,18}");
    private static final Pattern GUEST_DIR = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

    private final Path dir;
    private final RecordingSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService writer;
    private final PendingBudget budget = PendingBudget.standard();
    private final AtomicLong lastId;
    /** Recordings whose viewer is still on the console (never deleted). */
    private final Set<Long> live = ConcurrentHashMap.newKeySet();
    /** Why a recording stopped before its viewer left, since the gateway started. */
    private final Map<Long, String> stopped = new ConcurrentHashMap<>();
    /** Told each time a recording stops before its viewer left (the metrics count it). */
    private final Runnable stoppedEarly;

    public Recordings(Path stateDir, RecordingSettings settings, Clock clock, Runnable stoppedEarly) {
        this.dir = stateDir.resolve("recordings");
        this.settings = settings;
        this.clock = clock;
        this.stoppedEarly = stoppedEarly;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "recordings");
            t.setDaemon(true);
            return t;
        });
        pool.setKeepAliveTime(30, TimeUnit.SECONDS);
        pool.allowCoreThreadTimeOut(true);
        this.writer = pool;
        this.lastId = new AtomicLong(scan().stream().mapToLong(Entry::id).max().orElse(0));
    }

    /**
     * Starts recording one viewer's console attachment; {@link Recording#OFF} when recordings are off or this one
     * cannot start (logged: the console goes on without it).
     */
    public Recording start(String guest, String account, String address, String channel) {
        if (!settings.enabled()) {
            return Recording.OFF;
        }
        long id = lastId.incrementAndGet();
        try {
            Path guestDir = PrivateFiles.directories(dir.resolve(guest));
            OutputStream out = Channels.newOutputStream(Files.newByteChannel(guestDir.resolve(id + ".cast"),
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PrivateFiles.FILE)));
            live.add(id);
            Asciicast.Header header = new Asciicast.Header(guest, account, address, channel, clock.instant(), 0, 0);
            return new CastRecording(id, header, settings.input(), out, writer,
                    task -> writer.schedule(task, CastRecording.GATHER.toNanos(), TimeUnit.NANOSECONDS), budget, this::closed);
        } catch (IOException | RuntimeException e) {
            log.warn("recording {} of the console of {} ({}) did not start: {}", id, guest, account, e.toString());
            stopped.put(id, "did not start: " + e.getMessage());
            stoppedEarly.run();
            return Recording.OFF;
        }
    }

    /** The recordings of the guests {@code visible} accepts, newest first. */
    public List<RecordingInfo> list(Predicate<String> visible) {
        List<RecordingInfo> infos = new ArrayList<>();
        for (Entry e : scan()) {
            if (visible.test(e.guest())) {
                info(e).ifPresent(infos::add);
            }
        }
        infos.sort(Comparator.comparingLong(RecordingInfo::id).reversed());
        return infos;
    }

    /** The recording named {@code id} if {@code visible} accepts its guest; empty for anything else, however named. */
    public Optional<RecordingInfo> find(String id, Predicate<String> visible) {
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(id);
        return scan().stream().filter(e -> e.id() == n && visible.test(e.guest())).findFirst().flatMap(this::info);
    }

    /** The file of a recording {@link #find} gave, as it is now (a live one grows). */
    public InputStream open(RecordingInfo info) throws IOException {
        return Files.newInputStream(file(info.guest(), info.id()), LinkOption.NOFOLLOW_LINKS);
    }

    /** The bytes all recordings take on disk now. */
    public long diskUse() {
        return scan().stream().mapToLong(e -> {
            try {
                return Files.size(file(e.guest(), e.id()));
            } catch (IOException gone) {
                return 0;
            }
        }).sum();
    }

    /** Deletes the recordings past the age or total size kept; on the scheduler. Logs, never throws. */
    public void sweep() {
        try {
            List<Retention.Kept> kept = new ArrayList<>();
            Map<Long, Entry> entries = new HashMap<>();
            for (Entry e : scan()) {
                Path file = file(e.guest(), e.id());
                kept.add(new Retention.Kept(e.id(), Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant(),
                        Files.size(file), live.contains(e.id())));
                entries.put(e.id(), e);
            }
            for (Retention.Kept k : Retention.expired(kept, clock.instant(), settings.keep(), settings.maxTotal())) {
                Entry e = entries.get(k.id());
                Files.deleteIfExists(file(e.guest(), e.id()));
                stopped.remove(k.id());
                log.info("recording {} of {} deleted ({} bytes, last written {})", k.id(), e.guest(), k.bytes(), k.written());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("recordings under {} were not swept: {}", dir, e.toString());
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On the writer thread, once a recording's file is closed. */
    private void closed(long id, String why) {
        live.remove(id);
        if (why != null) {
            stopped.put(id, why);
            stoppedEarly.run();
            log.warn("recording {} stopped before its viewer left: {}", id, why);
        }
    }

    private Optional<RecordingInfo> info(Entry e) {
        Path file = file(e.guest(), e.id());
        try {
            Optional<Asciicast.Header> header = Asciicast.header(file);
            if (header.isEmpty()) {
                return Optional.empty();
            }
            Asciicast.Header h = header.get();
            return Optional.of(new RecordingInfo(e.id(), e.guest(), h.account(), h.address(), h.start(),
                    Asciicast.length(file), Files.size(file), live.contains(e.id()),
                    Optional.ofNullable(stopped.get(e.id()))));
        } catch (IOException | RuntimeException ex) {
            log.debug("recording {} not read: {}", file, ex.toString());
            return Optional.empty();
        }
    }

    private Path file(String guest, long id) {
        return dir.resolve(guest).resolve(id + ".cast");
    }

    /** A recording file found on disk: its guest (the directory) and id (the name). */
    private record Entry(String guest, long id) {
    }

    /** Every recording file under the directory; links and other names are not recordings. */
    private List<Entry> scan() {
        List<Entry> entries = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return entries;
        }
        try (DirectoryStream<Path> guests = Files.newDirectoryStream(dir)) {
            for (Path guestDir : guests) {
                String guest = guestDir.getFileName().toString();
                if (GUEST_DIR.matcher(guest).matches() && Files.isDirectory(guestDir, LinkOption.NOFOLLOW_LINKS)) {
                    scanGuest(guest, guestDir, entries);
                }
            }
        } catch (IOException e) {
            log.warn("recordings under {} not listed: {}", dir, e.toString());
        }
        return entries;
    }

    private static void scanGuest(String guest, Path guestDir, List<Entry> entries) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(guestDir)) {
            for (Path file : files) {
                var m = FILE.matcher(file.getFileName().toString());
                if (m.matches() && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    entries.add(new Entry(guest, Long.parseLong(m.group(1))));
                }
            }
        }
    }
}
