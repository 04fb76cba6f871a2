package org.yucon.cli;

import java.io.Console;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.apache.commons.codec.digest.Sha2Crypt;
import picocli.CommandLine.Command;

@Command(name = "passwd", description = "Read a password from the terminal and print its SHA-512 crypt hash for an account file.")
final class PasswdCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Console console = System.console();
        if (console == null) {
            throw new Fail("passwd reads the password from a terminal, and there is none", null);
        }
        char[] first = console.readPassword("password: ");
        char[] second = console.readPassword("again: ");
        try {
            if (first == null || first.length == 0 || !Arrays.equals(first, second)) {
                throw new Fail("the two passwords differ or are empty; nothing printed", null);
            }
            System.out.println("password = \"" + Sha2Crypt.sha512Crypt(new String(first).getBytes(StandardCharsets.UTF_8)) + "\"");
            return 0;
        } finally {
            Arrays.fill(first == null ? new char[0] : first, ' ');
            Arrays.fill(second == null ? new char[0] : second, ' ');
        }
    }
}
