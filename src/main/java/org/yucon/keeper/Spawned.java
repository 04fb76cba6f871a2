package org.yucon.keeper;

import java.util.List;

/**
 * A run the keeper started.
 *
 * @param pid       the UML's pid
 * @param unapplied limits this host could not apply, one sentence each
 */
public record Spawned(long pid, List<String> unapplied) {
    public Spawned {
        unapplied = List.copyOf(unapplied);
    }
}
