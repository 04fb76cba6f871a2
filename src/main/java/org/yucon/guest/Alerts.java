package org.yucon.guest;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is wrong with the gateway's host as a whole, that admins must hear of while it lasts: one sentence per
 * {@link Topic}, shown in the admins' menus and in their {@code status} answers, and logged when it appears or
 * changes. Raised and cleared from any thread; {@code onChange} runs on the thread that changed it.
 */
public final class Alerts {
    private static final Logger log = LoggerFactory.getLogger(Alerts.class);

    /** What can be wrong; at most one sentence each. */
    public enum Topic {
        KEEPER, KEEPER_SILENT, AUDIT_LOG
    }

    // Guarded by this.
    private final Map<Topic, String> current = new EnumMap<>(Topic.class);
    private final Runnable onChange;

    public Alerts(Runnable onChange) {
        this.onChange = onChange;
    }

    /** Says {@code sentence} about {@code topic} until cleared or replaced; logged once per distinct sentence. */
    public void raise(Topic topic, String sentence) {
        synchronized (this) {
            if (sentence.equals(current.put(topic, sentence))) {
                return;
            }
        }
        log.error(sentence);
        onChange.run();
    }

    /** The trouble about {@code topic} is over. */
    public void clear(Topic topic) {
        String was;
        synchronized (this) {
            was = current.remove(topic);
        }
        if (was != null) {
            log.info("over now: {}", was);
            onChange.run();
        }
    }

    public synchronized boolean raised(Topic topic) {
        return current.containsKey(topic);
    }

    /** The sentences in force, in the order of the topics. */
    public synchronized List<String> current() {
        return new ArrayList<>(current.values());
    }
}
