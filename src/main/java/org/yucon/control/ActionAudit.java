package org.yucon.control;

/** Where guest actions are recorded: one line per action (the gateway's audit log), queued without blocking. */
@FunctionalInterface
public interface ActionAudit {
    void record(String user, String from, String action, String guest, String result);
}
