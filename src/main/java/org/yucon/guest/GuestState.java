package org.yucon.guest;

/** Where a guest is in its life. Only {@link GuestSupervisor} moves a guest from one state to the next. */
public enum GuestState {
    OFF("Off", false),
    BOOTING("Booting", true),
    RUNNING("Running", true),
    STOPPING("Stopping", true),
    CRASHED("Crashed", false);

    private final String label;
    private final boolean alive;

    GuestState(String label, boolean alive) {
        this.label = label;
        this.alive = alive;
    }

    public String label() {
        return label;
    }

    /** True while a UML process exists for the guest. */
    public boolean alive() {
        return alive;
    }

    public boolean mayBoot() {
        return !alive;
    }

    public boolean mayShutDown() {
        return this == BOOTING || this == RUNNING || this == STOPPING;
    }
}
