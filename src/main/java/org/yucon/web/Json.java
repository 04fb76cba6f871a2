package org.yucon.web;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON text of maps, lists, strings, numbers and booleans, written by jackson-jr with the escaping JSON needs. */
final class Json {
    private Json() {
    }

    static String of(Object value) {
        try {
            return JSON.std.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("plain maps and lists are always JSON", e);
        }
    }
}
