package org.yucon.keeper;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.yucon.config.GuestConfig;
import org.yucon.config.LogSettings;

/**
 * The gateway-keeper protocol over the keeper's Unix stream socket. Each connection opens with
 * {@link #GREETING} and one operation:
 * <ul>
 * <li>{@code spawn} guest, directory, argv, environment, columns, rows, {@link Confinement}: the reply is ok, pid
 * and the limits that could not be applied (one sentence each), or an error</li>
 * <li>{@code list}: for each guest the keeper knows: name, pid (0 when off), last exit status (-1: none), ring end</li>
 * <li>{@code stopping} guest, pid, deadline (epoch milliseconds), then boot: the gateway shuts that run down and
 * halts it at the deadline; kept for the run ({@link StopIntent}), so that a gateway started after a crash carries
 * the shutdown on. The reply is whether that pid is the guest's run</li>
 * <li>{@code stops}: for each guest whose run is being shut down: name, deadline, then boot</li>
 * <li>{@code attach} guest, backlog, log settings (enabled, rotate bytes, keep, mark millis): from then on frames both ways ({@link #DATA}, {@link #MISSED} and
 * {@link #EXITED} from the keeper; {@link #INPUT} and {@link #RESIZE} from the gateway) until either side closes</li>
 * <li>{@code quit}: the keeper ends if no guest runs; the reply says whether it does</li>
 * </ul>
 * A keeper older than {@code stopping} and {@code stops} closes the connection at them, as at any operation it does
 * not know: a gateway then goes without (a shutdown is not carried over its restart), and the keeper, which runs for
 * months, need not be stopped for an upgrade of the gateway.
 * Strings are Java's modified UTF-8 ({@link DataOutputStream#writeUTF}); numbers big-endian.
 */
final class KeeperProtocol {
    /** A keeper of another version refuses the connection instead of misreading it. */
    static final String GREETING = "yucon-keeper/4";
    static final String SPAWN = "spawn";
    static final String LIST = "list";
    static final String ATTACH = "attach";
    static final String QUIT = "quit";
    static final String STOPPING = "stopping";
    static final String STOPS = "stops";

    static final byte DATA = 'D';
    static final byte MISSED = 'M';
    static final byte EXITED = 'X';
    static final byte INPUT = 'I';
    static final byte RESIZE = 'R';

    /** Bounds what one frame may make the other side allocate. */
    static final int MAX_FRAME = 1 << 20;

    private KeeperProtocol() {
    }

    static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            out.writeUTF(s);
        }
    }

    static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 4096) {
            throw new IOException("a list of " + n + " strings is not plausible");
        }
        List<String> strings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            strings.add(in.readUTF());
        }
        return strings;
    }

    static void writeConfinement(DataOutputStream out, Confinement c) throws IOException {
        GuestConfig.HostSide host = c.host();
        writeOptional(out, host.user());
        writeOptional(out, host.jail().map(Path::toString));
        out.writeInt(host.nice());
        out.writeInt(host.cpuPercent().orElse(-1));
        out.writeLong(host.memoryMax().orElse(-1));
        out.writeLong(host.readBps().orElse(-1));
        out.writeLong(host.writeBps().orElse(-1));
        writeOptional(out, c.readOnlyDir().map(Path::toString));
        writeStrings(out, c.network().map(n -> List.of(n.bridge(), n.tap(), n.mac())).orElse(List.of()));
        writeStrings(out, c.diskFiles().stream().map(Path::toString).toList());
        out.writeUTF(c.umlDir().toString());
        writeStrings(out, c.cows().stream().map(Path::toString).toList());
        // the swap files, then their sizes
        writeStrings(out, c.swaps().stream().map(s -> s.file().toString()).toList());
        for (GuestConfig.Swap swap : c.swaps()) {
            out.writeLong(swap.bytes());
        }
    }

    static Confinement readConfinement(DataInputStream in) throws IOException {
        Optional<String> user = readOptional(in);
        Optional<Path> jail = readOptional(in).map(Path::of);
        int nice = in.readInt();
        int cpu = in.readInt();
        long memory = in.readLong();
        long read = in.readLong();
        long write = in.readLong();
        GuestConfig.HostSide host = new GuestConfig.HostSide(user, jail, nice,
                cpu < 0 ? OptionalInt.empty() : OptionalInt.of(cpu), optional(memory), optional(read), optional(write));
        Optional<Path> readOnlyDir = readOptional(in).map(Path::of);
        List<String> net = readStrings(in);
        Optional<GuestConfig.Network> network = net.size() == 3
                ? Optional.of(new GuestConfig.Network(net.get(0), net.get(1), net.get(2))) : Optional.empty();
        List<Path> diskFiles = readStrings(in).stream().map(Path::of).toList();
        Path umlDir = Path.of(in.readUTF());
        List<Path> cows = readStrings(in).stream().map(Path::of).toList();
        List<GuestConfig.Swap> swaps = new ArrayList<>();
        for (String file : readStrings(in)) {
            swaps.add(new GuestConfig.Swap(Path.of(file), in.readLong()));
        }
        return new Confinement(host, readOnlyDir, network, diskFiles, umlDir, cows, swaps);
    }

    private static void writeOptional(DataOutputStream out, Optional<String> value) throws IOException {
        out.writeBoolean(value.isPresent());
        if (value.isPresent()) {
            out.writeUTF(value.get());
        }
    }

    private static Optional<String> readOptional(DataInputStream in) throws IOException {
        return in.readBoolean() ? Optional.of(in.readUTF()) : Optional.empty();
    }

    private static OptionalLong optional(long value) {
        return value < 0 ? OptionalLong.empty() : OptionalLong.of(value);
    }

    static void writeLogSettings(DataOutputStream out, LogSettings log) throws IOException {
        out.writeBoolean(log.enabled());
        out.writeLong(log.rotateBytes());
        out.writeInt(log.keep());
        out.writeLong(log.mark().toMillis());
    }

    static LogSettings readLogSettings(DataInputStream in) throws IOException {
        return new LogSettings(in.readBoolean(), in.readLong(), in.readInt(), Duration.ofMillis(in.readLong()));
    }

    /** A frame that carries bytes ({@link #DATA}, {@link #INPUT}): its type, the length, the bytes. */
    static void writeFrame(DataOutputStream out, byte type, byte[] bytes, int offset, int length) throws IOException {
        out.writeByte(type);
        out.writeInt(length);
        out.write(bytes, offset, length);
    }

    static byte[] readFrameBytes(DataInputStream in) throws IOException {
        byte[] bytes = new byte[readFrameLength(in)];
        in.readFully(bytes);
        return bytes;
    }

    static int readFrameLength(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("a frame of " + length + " bytes is not plausible");
        }
        return length;
    }
}
