package org.yucon.cli;

/** A failure that ends a command with one sentence and no stack trace. */
final class Fail extends Exception {
    private static final long serialVersionUID = 1L;

    Fail(String sentence, Throwable cause) {
        super(sentence, cause);
    }
}
