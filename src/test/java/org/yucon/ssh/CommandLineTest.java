package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {

    @Test
    void statusAlone() {
        assertEquals(new CommandLine(Verb.STATUS, Set.of(), Optional.empty()), CommandLine.parse("status"));
    }

    @Test
    void bootAGuest() {
        assertEquals(new CommandLine(Verb.BOOT, Set.of(), Optional.of("uml2")), CommandLine.parse("boot uml2"));
    }

    @Test
    void shutdownWithAFlag() {
        assertEquals(new CommandLine(Verb.SHUTDOWN, Set.of("--halt"), Optional.of("uml1")),
                CommandLine.parse("shutdown --halt uml1"));
    }

    @Test
    void consoleAndHelp() {
        assertEquals(new CommandLine(Verb.CONSOLE, Set.of(), Optional.empty()), CommandLine.parse("console"));
        assertEquals(new CommandLine(Verb.HELP, Set.of(), Optional.empty()), CommandLine.parse("help"));
    }

    @Test
    void optionValuesAndOperands() {
        assertEquals(new CommandLine(Verb.LOG, Set.of(), Optional.of("uml1"), Map.of("-n", "200"), List.of()),
                CommandLine.parse("log -n 200 uml1"));
        assertEquals(new CommandLine(Verb.SYSRQ, Set.of(), Optional.of("uml2"), Map.of(), List.of("s")),
                CommandLine.parse("sysrq s uml2"));
        assertEquals(new CommandLine(Verb.REBOOT, Set.of("--hard"), Optional.empty()), CommandLine.parse("reboot --hard"));
        assertEquals(new CommandLine(Verb.STATUS, Set.of("--json"), Optional.empty()), CommandLine.parse("status --json"));
    }

    @Test
    void missingOperandOrValue() {
        assertRefused("sysrq needs LETTER; usage: sysrq LETTER [GUEST]", "sysrq");
        assertRefused("log -n needs a value; usage: log [-n LINES] [GUEST]", "log -n");
    }

    @Test
    void surroundingAndRepeatedWhitespaceIsIgnored() {
        assertEquals(new CommandLine(Verb.BOOT, Set.of(), Optional.of("uml2")), CommandLine.parse(" \tboot   uml2\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t\r\n"})
    void emptyLine(String line) {
        assertRefused("no command given; try: help", line);
    }

    @Test
    void unknownVerb() {
        assertRefused("unknown command 'frob'; try: help", "frob uml1");
    }

    @Test
    void unknownFlag() {
        assertRefused("boot has no option --halt; usage: boot [GUEST]", "boot --halt uml1");
    }

    @Test
    void tooManyGuests() {
        assertRefused("too many arguments; usage: boot [GUEST]", "boot uml1 uml2");
    }

    @Test
    void helpTakesNoGuest() {
        assertRefused("too many arguments; usage: help", "help boot");
    }

    @Test
    void shellSyntaxIsRefused() {
        assertRefused("'boot;' is not a word this gateway understands; try: help", "boot; id");
        assertRefused("'$(id)' is not a word this gateway understands; try: help", "status $(id)");
        assertRefused("'../x' is not a word this gateway understands; try: help", "console ../x");
        assertRefused("'uml1|sh' is not a word this gateway understands; try: help", "boot uml1|sh");
        assertRefused("'`id`' is not a word this gateway understands; try: help", "boot `id`");
    }

    @Test
    void controlCharactersAreNotEchoed() {
        assertRefused("'uml1?[2J?]0;owned?x' is not a word this gateway understands; try: help",
                "boot uml1\u001b[2J\u001b]0;owned\u0007x");
        assertRefused("'x?' is not a word this gateway understands; try: help", "boot x\u009b");
    }

    @Test
    void refusedWordIsShortenedInTheMessage() {
        String message = refusal("boot " + "x".repeat(1000));
        assertEquals("'" + "x".repeat(80) + "' is not a word this gateway understands; try: help", message);
    }

    /**
     * Any line at all, built from real words, shell syntax and arbitrary UTF-16 units (control characters, lone
     * surrogates), either parses or is refused with a sentence free of control characters.
     */
    @Test
    @Timeout(10)
    void randomLinesParseOrAreRefused() {
        Random random = new Random(1987);
        String[] words = {"status", "boot", "shutdown", "console", "help", "--halt", "-x", "uml1", " ", " ", "\t"};
        String alphabet = "-_.a0;$()`|&<>'\"/\\*?\u0000\u0007\u001b\u007f\u0085\u009b\u00e9\u202e\ud83d\ude00";
        for (int run = 0; run < 100_000; run++) {
            StringBuilder line = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                switch (random.nextInt(3)) {
                    case 0 -> line.append(words[random.nextInt(words.length)]);
                    case 1 -> line.append(alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> line.append((char) random.nextInt(Character.MAX_VALUE + 1));
                }
            }
            try {
                CommandLine.parse(line.toString());
            } catch (IllegalArgumentException refused) {
                assertFalse(refused.getMessage().codePoints().anyMatch(Character::isISOControl), refused.getMessage());
            }
        }
    }

    private static void assertRefused(String expected, String line) {
        assertEquals(expected, refusal(line));
    }

    private static String refusal(String line) {
        return assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(line)).getMessage();
    }
}
