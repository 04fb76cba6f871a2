package org.yucon.keeper;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A guest's swap file: created sparse at its size, with the swap signature mkswap would write, so the guest can
 * {@code swapon} it at once and the host spends no blocks until the guest swaps. An existing file is left as it is.
 * {@link GuestEnclosure} creates it through {@link org.yucon.util.OpenDir#create}.
 */
final class SwapFile {
    /** UML on x86-64 has 4 KiB pages; the signature sits at the end of the first one. */
    private static final int PAGE = 4096;
    private static final int VERSION_OFFSET = 1024;
    private static final byte[] MAGIC = "SWAPSPACE2".getBytes(StandardCharsets.US_ASCII);

    private SwapFile() {
    }

    /** The first page: version 1, the last usable page, no bad pages, then the magic (linux/swap.h). */
    static byte[] header(long bytes) {
        ByteBuffer page = ByteBuffer.allocate(PAGE).order(ByteOrder.LITTLE_ENDIAN);
        page.putInt(VERSION_OFFSET, 1);
        page.putInt(VERSION_OFFSET + 4, (int) (bytes / PAGE - 1));
        page.put(PAGE - MAGIC.length, MAGIC);
        return page.array();
    }
}
