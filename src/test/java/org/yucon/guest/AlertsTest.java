package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AlertsTest {
    private final AtomicInteger changes = new AtomicInteger();
    private final Alerts alerts = new Alerts(changes::incrementAndGet);

    @Test
    void oneSentencePerTopicInTheTopicsOrder() {
        alerts.raise(Alerts.Topic.AUDIT_LOG, "the audit log cannot be written");
        alerts.raise(Alerts.Topic.KEEPER, "the console keeper is gone");
        alerts.raise(Alerts.Topic.KEEPER, "the console keeper was replaced");
        assertEquals(List.of("the console keeper was replaced", "the audit log cannot be written"), alerts.current());
        assertTrue(alerts.raised(Alerts.Topic.KEEPER));
    }

    @Test
    void listenersHearOfChangesOnly() {
        alerts.raise(Alerts.Topic.KEEPER, "the console keeper is gone");
        alerts.raise(Alerts.Topic.KEEPER, "the console keeper is gone");
        alerts.clear(Alerts.Topic.AUDIT_LOG);
        assertEquals(1, changes.get(), "the same sentence again and clearing what was not raised change nothing");
        alerts.clear(Alerts.Topic.KEEPER);
        assertEquals(2, changes.get());
        assertFalse(alerts.raised(Alerts.Topic.KEEPER));
        assertEquals(List.of(), alerts.current());
    }
}
