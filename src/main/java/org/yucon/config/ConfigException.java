package org.yucon.config;

import java.nio.file.Path;
import org.yucon.util.Printable;

/**
 * A configuration error: one sentence that names the file and, where known, the line. The problem may quote the
 * file's text (a parser's message does), which need not be printable: it is made safe for the terminal it reaches.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(Path file, int line, String problem) {
        super(Printable.of(line > 0 ? file + " line " + line + ": " + problem : file + ": " + problem));
    }

    public ConfigException(Path file, String problem, Throwable cause) {
        super(Printable.of(file + ": " + problem), cause);
    }
}
