package org.yucon.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.yucon.config.AccountFile;
import org.yucon.config.ConfigException;
import org.yucon.config.Configuration;
import org.yucon.ssh.AuthorizedKeys;
import org.yucon.util.PrivateFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code yucon account ...}: manage logins without editing hashes by hand. Every change is checked by loading
 * the whole configuration again; a change that would not load is undone and named. A running gateway picks the
 * change up within seconds, for the sessions already open too.
 */
@Command(name = "account", description = "Manage logins: list, add, remove, passwd, grant, revoke, key-add, key-remove.",
        subcommands = {AccountCommand.ListAccounts.class, AccountCommand.Add.class, AccountCommand.Remove.class,
                AccountCommand.Passwd.class, AccountCommand.Grant.class, AccountCommand.Revoke.class,
                AccountCommand.KeyAdd.class, AccountCommand.KeyRemove.class})
final class AccountCommand {

    /** What every account subcommand shares: the configuration it edits, and the check after each edit. */
    static class Edit {
        @Mixin
        EtcOption etc;

        Path accountsDir() {
            return etc.dir().resolve("accounts");
        }

        /** Saves the file, then loads everything; if that fails, the file is put back and the failure named. */
        void saveChecked(AccountFile file) throws Fail, IOException {
            try {
                file.saveChecked(etc.dir());
            } catch (ConfigException e) {
                throw new Fail("not changed: " + e.getMessage(), e);
            }
        }

        AccountFile existing(String name) throws Fail, IOException {
            AccountFile file = AccountFile.of(accountsDir(), name);
            if (!file.exists()) {
                throw new Fail("there is no account '" + name + "' (no " + file.path() + ")", null);
            }
            return file;
        }
    }

    @Command(name = "list", description = "One line per account: name, role, guests, how it logs in.")
    static final class ListAccounts extends Edit implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Configuration config = etc.load();
            config.accounts().values().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(a ->
                    System.out.printf("%-16s %-6s guests=%s%s%s%n", a.name(), a.admin() ? "admin" : "user",
                            a.admin() ? "*" : String.join(",", a.guests()),
                            a.passwordHash().isPresent() ? " password" : "", a.authorizedKeys().isPresent() ? " keys" : ""));
            return 0;
        }
    }

    @Command(name = "add", description = "Add an account; asks for its password unless --no-password and --key are given.")
    static final class Add extends Edit implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--admin", description = "sees and drives every guest")
        boolean admin;
        @Option(names = "--guest", paramLabel = "GUEST", description = "a guest it owns (repeatable)")
        List<String> guests = new ArrayList<>();
        @Option(names = "--key", paramLabel = "FILE", description = "an OpenSSH public key file to authorize")
        Path key;
        @Option(names = "--no-password", description = "key login only")
        boolean noPassword;
        @Option(names = "--password-stdin", description = "read the password from standard input (one line), for scripts")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            AccountFile file = AccountFile.of(accountsDir(), name);
            if (file.exists()) {
                throw new Fail("account '" + name + "' exists already (" + file.path() + ")", null);
            }
            if (noPassword && key == null) {
                throw new Fail("--no-password needs --key, or nobody could log in", null);
            }
            file.setGuests(guests);
            file.setBoolean("admin", admin);
            if (!noPassword) {
                file.setString("password", Passwords.read(passwordStdin));
            }
            Path keys = file.path().resolveSibling(name + ".keys");
            if (key != null) {
                Keys.append(keys, key);
            }
            try {
                saveChecked(file);
            } catch (Fail e) {
                Files.deleteIfExists(keys);
                throw e;
            }
            System.out.println("added " + name);
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove an account and its keys; its open sessions end.")
    static final class Remove extends Edit implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            AccountFile file = existing(name);
            Files.delete(file.path());
            Files.deleteIfExists(file.path().resolveSibling(name + ".keys"));
            System.out.println("removed " + name);
            return 0;
        }
    }

    @Command(name = "passwd", description = "Set an account's password, read from the terminal.")
    static final class Passwd extends Edit implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--password-stdin", description = "read the password from standard input (one line), for scripts")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            existing(name);
            String hash = Passwords.read(passwordStdin);
            try {
                AccountFile.changePassword(etc.dir(), name, hash);
            } catch (ConfigException e) {
                throw new Fail("not changed: " + e.getMessage(), e);
            }
            System.out.println("password of " + name + " changed");
            return 0;
        }
    }

    /** Grant and revoke: a change to the list of guests an account owns. */
    abstract static class GuestChange extends Edit implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "GUEST")
        String guest;

        abstract void change(List<String> guests);

        @Override
        public Integer call() throws Exception {
            AccountFile.requireGuestName(guest);
            AccountFile file = existing(name);
            List<String> guests = file.guests();
            change(guests);
            file.setGuests(guests);
            saveChecked(file);
            System.out.println(name + " owns " + (guests.isEmpty() ? "no guest" : String.join(", ", guests)));
            return 0;
        }
    }

    @Command(name = "grant", description = "Give an account a guest.")
    static final class Grant extends GuestChange {
        @Override
        void change(List<String> guests) {
            if (!guests.contains(guest)) {
                guests.add(guest);
            }
        }
    }

    @Command(name = "revoke", description = "Take a guest from an account.")
    static final class Revoke extends GuestChange {
        @Override
        void change(List<String> guests) {
            guests.remove(guest);
        }
    }

    @Command(name = "key-add", description = "Authorize an OpenSSH public key file for an account.")
    static final class KeyAdd extends Edit implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "FILE")
        Path key;

        @Override
        public Integer call() throws Exception {
            AccountFile file = existing(name);
            Keys.append(file.path().resolveSibling(name + ".keys"), key);
            System.out.println("key added for " + name);
            return 0;
        }
    }

    @Command(name = "key-remove", description = "Remove the key with this fingerprint (SHA256:...) from an account.")
    static final class KeyRemove extends Edit implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "FINGERPRINT")
        String fingerprint;

        @Override
        public Integer call() throws Exception {
            AccountFile file = existing(name);
            int removed = Keys.remove(file.path().resolveSibling(name + ".keys"), fingerprint);
            if (removed == 0) {
                throw new Fail(name + " has no key " + fingerprint, null);
            }
            System.out.println("key " + fingerprint + " removed from " + name);
            return 0;
        }
    }

    /** Passwords come from the terminal, or for scripts from standard input; never from the command line. */
    static final class Passwords {
        private Passwords() {
        }

        static String read(boolean fromStdin) throws Fail, IOException {
            char[] first;
            char[] second;
            if (fromStdin) {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                first = line == null ? new char[0] : line.toCharArray();
                second = first;
            } else {
                Console console = System.console();
                if (console == null) {
                    throw new Fail("the password is read from a terminal, and there is none (or use --password-stdin)", null);
                }
                first = console.readPassword("password: ");
                second = console.readPassword("again: ");
            }
            try {
                if (first == null || first.length == 0 || !Arrays.equals(first, second)) {
                    throw new Fail("the passwords differ or are empty; nothing changed", null);
                }
                return Sha2Crypt.sha512Crypt(new String(first).getBytes(StandardCharsets.UTF_8));
            } finally {
                Arrays.fill(first == null ? new char[0] : first, ' ');
            }
        }
    }

    /** The account's authorized_keys file: keys are checked before they are added. */
    static final class Keys {
        private Keys() {
        }

        static void append(Path keysFile, Path publicKey) throws Fail, IOException {
            try {
                AuthorizedKeys.read(publicKey);
            } catch (ConfigException e) {
                throw new Fail("not added: " + e.getMessage(), e);
            }
            PrivateFiles.directories(keysFile.getParent());
            List<String> lines = Files.exists(keysFile) ? new ArrayList<>(Files.readAllLines(keysFile)) : new ArrayList<>();
            lines.addAll(Files.readAllLines(publicKey).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
            write(keysFile, lines);
        }

        static int remove(Path keysFile, String fingerprint) throws Fail, IOException {
            if (!Files.exists(keysFile)) {
                return 0;
            }
            List<String> kept = new ArrayList<>();
            int removed = 0;
            for (String line : Files.readAllLines(keysFile)) {
                if (!line.isBlank() && !line.startsWith("#") && fingerprint.equals(AuthorizedKeys.fingerprint(line))) {
                    removed++;
                } else {
                    kept.add(line);
                }
            }
            write(keysFile, kept);
            return removed;
        }

        private static void write(Path keysFile, List<String> lines) throws IOException {
            StringBuilder text = new StringBuilder();
            lines.forEach(line -> text.append(line).append('\n'));
            PrivateFiles.replace(keysFile, text.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
