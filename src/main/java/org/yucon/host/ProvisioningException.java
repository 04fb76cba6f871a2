package org.yucon.host;

/** Obtaining a kernel or building the root filesystem failed; the message is one sentence for the operator. */
public final class ProvisioningException extends Exception {

    private static final long serialVersionUID = 1L;

    public ProvisioningException(String message) {
        super(message);
    }

    public ProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
