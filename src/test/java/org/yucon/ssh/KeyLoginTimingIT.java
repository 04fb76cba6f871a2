package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yucon.testing.GatewayFixture;

/**
 * A key that is not listed is refused as slowly for an unknown login as for a known one, so the time of the answer
 * does not tell which logins exist. Every account has the same keys file (the test's key and {@value #LISTED} others:
 * its reading is what an unknown login used to skip), so the work is alike whichever account's file is the decoy.
 * The machine is shared and noisy: each round times the two side by side, in alternating order, and the test
 * compares the median of the rounds' ratios.
 */
class KeyLoginTimingIT {
    private static final int LISTED = 200;
    private static final int WARM_UP = 20;
    private static final int ROUNDS = 80;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.of("uml1");

    @BeforeAll
    static void manyKeysPerAccount() throws IOException, GeneralSecurityException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < LISTED; i++) {
            keys.add(PublicKeyEntry.toString(ed25519().getPublic()));
        }
        Path accounts = gateway.host().config().etc().resolve("accounts");
        for (String account : List.of("uml1", "admin")) {
            Files.write(accounts.resolve(account + ".keys"), keys, StandardOpenOption.APPEND);
        }
    }

    @Test
    void anUnknownLoginTakesAsLongAsAKnownOne() throws Exception {
        KeyPair stranger = ed25519();
        List<Double> ratios = new ArrayList<>();
        List<Long> known = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        for (int round = 0; round < WARM_UP + ROUNDS; round++) {
            long k;
            long u;
            if (round % 2 == 0) {
                k = refusalNanos("uml1", stranger);
                u = refusalNanos("nobody" + round, stranger);
            } else {
                u = refusalNanos("nobody" + round, stranger);
                k = refusalNanos("uml1", stranger);
            }
            if (round >= WARM_UP) {
                known.add(k);
                unknown.add(u);
                ratios.add((double) u / k);
            }
        }
        double ratio = median(ratios);
        System.out.printf("key refused: known login median %.0f us, unknown %.0f us, median ratio unknown/known %.2f%n",
                median(known) / 1e3, median(unknown) / 1e3, ratio);
        assertTrue(ratio > 0.8 && ratio < 1.25, "an unknown login's key is refused in " + ratio + " of a known login's time");
    }

    /** How long the gateway takes to refuse {@code key} for {@code login}, from a fresh connection. */
    private static long refusalNanos(String login, KeyPair key) throws IOException {
        try (ClientSession session = gateway.ssh().connect(login, "127.0.0.1")) {
            session.addPublicKeyIdentity(key);
            long start = System.nanoTime();
            AuthFuture auth = session.auth();
            assertTrue(auth.await(TIMEOUT), "no answer to a key within " + TIMEOUT.toSeconds() + " s");
            long took = System.nanoTime() - start;
            assertFalse(auth.isSuccess(), "a stranger's key logged in as " + login);
            return took;
        }
    }

    private static KeyPair ed25519() throws GeneralSecurityException {
        return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    }

    private static <T extends Number> double median(List<T> values) {
        double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
