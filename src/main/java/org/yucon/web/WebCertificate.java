package org.yucon.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yucon.config.WebSettings;
import org.yucon.util.PrivateFiles;

/**
 * The web page's TLS certificate: the operator's PEM files, or a self-signed one (ECDSA P-256, ten years, for the
 * configured host names) generated once into the host key directory as {@code web_cert.pem} and {@code web_key.pem},
 * mode 0600 like the SSH host keys, and refused afterwards if others can read the key. Its SHA-256 fingerprint is
 * what users compare with their browser's.
 */
public final class WebCertificate {
    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

    /** The certificate as Jetty takes it, in a key store that lives in memory only. */
    public record Loaded(Path file, String fingerprint, KeyStore keyStore, String keyStorePassword) {
    }

    private WebCertificate() {
    }

    /** The configured certificate, or the self-signed one in {@code hostKeyDir}, made now if missing. */
    public static Loaded ensure(WebSettings settings, Path hostKeyDir) throws IOException {
        if (settings.certificate().isPresent()) {
            return load(settings.certificate().get(), settings.key().orElseThrow());
        }
        Path cert = hostKeyDir.resolve("web_cert.pem");
        Path key = hostKeyDir.resolve("web_key.pem");
        if (!Files.exists(cert) || !Files.exists(key)) {
            PrivateFiles.directories(hostKeyDir);
            generate(settings.hostNames(), cert, key);
        }
        return load(cert, key);
    }

    static Loaded load(Path certFile, Path keyFile) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
        if (!PrivateFiles.FILE.containsAll(perms)) {
            throw new IOException("the web key " + keyFile + " can be read by others (" + PosixFilePermissions.toString(perms)
                    + "); run chmod 600 " + keyFile);
        }
        try (InputStream in = Files.newInputStream(certFile)) {
            List<Certificate> chain = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (chain.isEmpty()) {
                throw new IOException("the web certificate " + certFile + " holds no PEM certificate");
            }
            PrivateKey key = privateKey(keyFile, ((X509Certificate) chain.get(0)).getPublicKey().getAlgorithm());
            String password = HexFormat.of().formatHex(SecureRandom.getSeed(16));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("web", key, password.toCharArray(), chain.toArray(new Certificate[0]));
            return new Loaded(certFile, fingerprint(chain.get(0)), store, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("the web certificate " + certFile + " or its key " + keyFile + " cannot be used: "
                    + e.getMessage(), e);
        }
    }

    /** SHA-256 of the certificate, as browsers and {@code openssl x509 -fingerprint -sha256} show it. */
    static String fingerprint(Certificate certificate) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return "SHA256:" + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    private static PrivateKey privateKey(Path file, String algorithm) throws IOException, GeneralSecurityException {
        Matcher m = PRIVATE_KEY.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new IOException("the web key " + file + " is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out " + file);
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static void generate(List<String> hostNames, Path certFile, Path keyFile) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            byte[] certificate = selfSigned(pair, hostNames);
            // Parsed back before it is kept: the JDK's parser checks what Der wrote.
            CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(certificate));
            PrivateFiles.write(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            PrivateFiles.write(certFile, pem("CERTIFICATE", certificate));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make the web page's certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] selfSigned(KeyPair pair, List<String> hostNames) throws GeneralSecurityException, IOException {
        byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
        byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8("yucon"))));
        ZonedDateTime now = ZonedDateTime.now();
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(BigInteger.TWO)),
                Der.integer(new BigInteger(127, new SecureRandom()).add(BigInteger.ONE)),
                algorithm,
                name,
                Der.sequence(Der.time(now.minusDays(1)), Der.time(now.plusYears(10))),
                name,
                pair.getPublic().getEncoded(),
                Der.explicit(3, Der.sequence(
                        Der.sequence(Der.oid("2.5.29.19"), Der.bool(true), Der.octets(Der.sequence())),
                        Der.sequence(Der.oid("2.5.29.17"), Der.octets(alternativeNames(hostNames))))));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(tbs);
        return Der.sequence(tbs, algorithm, Der.bits(signer.sign()));
    }

    /** subjectAltName: each host name as a dNSName, each address as an iPAddress. */
    private static byte[] alternativeNames(List<String> hostNames) throws IOException {
        List<byte[]> names = new ArrayList<>();
        for (String host : hostNames) {
            boolean address = host.startsWith("[") || host.matches("[0-9.]+");
            names.add(address
                    ? Der.implicit(7, InetAddress.getByName(host.replaceAll("[\\[\\]]", "")).getAddress())
                    : Der.implicit(2, host.getBytes(StandardCharsets.US_ASCII)));
        }
        return Der.sequence(names.toArray(new byte[0][]));
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }
}
