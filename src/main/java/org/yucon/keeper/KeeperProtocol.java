package org.yucon.keeper;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway-keeper protocol over the keeper's Unix stream socket. Each connection opens with
 * {@link #GREETING} and one operation:
 * <ul>
 * <li>{@code spawn} guest, directory, argv, environment, columns, rows: the reply is ok + pid, or an error</li>
 * <li>{@code list}: for each guest the keeper knows: name, pid (0 when off), last exit status (-1: none), ring end</li>
 * <li>{@code attach} guest, backlog: from then on frames both ways ({@link #DATA}, {@link #MISSED} and
 * {@link #EXITED} from the keeper; {@link #INPUT} and {@link #RESIZE} from the gateway) until either side closes</li>
 * <li>{@code quit}: the keeper ends if no guest runs; the reply says whether it does</li>
 * </ul>
 * Strings are Java's modified UTF-8 ({@link DataOutputStream#writeUTF}); numbers big-endian.
 */
final class KeeperProtocol {
    /** A keeper of another version refuses the connection instead of misreading it. */
    static final String GREETING = "yucon-keeper/1";
    static final String SPAWN = "spawn";
    static final String LIST = "list";
    static final String ATTACH = "attach";
    static final String QUIT = "quit";

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

    static byte[] readFrameBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("a frame of " + length + " bytes is not plausible");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
