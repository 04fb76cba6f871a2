package org.yucon.util;

/** A host user and group that files are given to, named for sentences. */
public record Owner(String name, int uid, int gid) {
    /** Leaves a new file to whoever creates it (chown's -1). */
    public static final Owner CREATOR = new Owner("its creator", -1, -1);
}
