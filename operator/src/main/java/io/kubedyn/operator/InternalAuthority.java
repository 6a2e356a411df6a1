package io.kubedyn.operator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The authority kubedyn's internal certificates come from (the gateway's and the storage pods',
 * for mutual TLS between them): an EC P-256 key pair and its self-signed certificate, kept as
 * PEM in a Secret's {@code ca.crt} and {@code ca.key}. Certificates are made with Bouncy Castle.
 */
public final class InternalAuthority {
    /** How long the authority itself is valid; its certificates are renewed far more often. */
    static final Duration VALIDITY = Duration.ofDays(3650);

    static final String CERTIFICATE = "ca.crt";
    static final String KEY = "ca.key";

    private static final SecureRandom SERIALS = new SecureRandom();
    private final X509Certificate certificate;
    private final PrivateKey key;

    private InternalAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new authority named {@code commonName}, valid from {@code now}. */
    public static InternalAuthority create(String commonName, Instant now) {
        try {
            KeyPair keys = keyPair();
            X500Name name = new X500Name("CN=" + commonName);
            X509v3CertificateBuilder builder = builder(name, name, keys, now, VALIDITY)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new InternalAuthority(sign(builder, keys.getPrivate()), keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make the internal certificate authority", e);
        }
    }

    /** The authority a Secret's {@code ca.crt} and {@code ca.key} hold (base64, as Secrets do). */
    public static InternalAuthority fromSecretData(Map<String, String> data) {
        try {
            return new InternalAuthority(certificate(decoded(data, CERTIFICATE)), privateKey(decoded(data, KEY)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the internal authority's Secret holds no usable " + CERTIFICATE + " and " + KEY + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** This authority as a Secret's data: {@code ca.crt} and {@code ca.key}, base64. */
    public Map<String, String> secretData() {
        return Map.of(CERTIFICATE, base64(certificatePem()), KEY, base64(pem("PRIVATE KEY", key.getEncoded())));
    }

    public String certificatePem() {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A certificate for {@code commonName}, naming {@code dnsNames} (a server's; a client's names
     * are not checked), for both ends of a connection, valid from {@code now} for
     * {@code validity}: as a {@code kubernetes.io/tls} Secret's data with this authority's
     * {@code ca.crt}.
     */
    public Map<String, String> issue(String commonName, Collection<String> dnsNames, Instant now, Duration validity) {
        try {
            KeyPair keys = keyPair();
            X509v3CertificateBuilder builder = builder(
                            X500Name.getInstance(
                                    certificate.getSubjectX500Principal().getEncoded()),
                            new X500Name("CN=" + commonName),
                            keys,
                            now,
                            validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                    }));
            if (!dnsNames.isEmpty()) {
                builder.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(dnsNames.stream()
                                .map(n -> new GeneralName(GeneralName.dNSName, n))
                                .toArray(GeneralName[]::new)));
            }
            X509Certificate issued = sign(builder, key);
            return Map.of(
                    "tls.crt",
                    base64(pem("CERTIFICATE", issued.getEncoded())),
                    "tls.key",
                    base64(pem("PRIVATE KEY", keys.getPrivate().getEncoded())),
                    CERTIFICATE,
                    base64(certificatePem()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
        }
    }

    /**
     * A TLS client context from a certificate this authority issued ({@link #issue}'s data): it
     * presents that certificate and trusts only servers this authority's certificates name.
     */
    public static SSLContext clientContext(Map<String, String> issued) {
        try {
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            own.setKeyEntry("own", privateKey(decoded(issued, "tls.key")), new char[0], new Certificate[] {
                certificate(decoded(issued, "tls.crt"))
            });
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(own, new char[0]);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("authority", certificate(decoded(issued, CERTIFICATE)));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a TLS client of an issued certificate", e);
        }
    }

    /**
     * Whether a {@code kubernetes.io/tls} Secret's data holds a certificate this authority signed
     * naming exactly {@code dnsNames}, with this authority's {@code ca.crt}, and valid beyond
     * {@code renewFrom}: else it is issued again.
     */
    public boolean current(Map<String, String> data, Collection<String> dnsNames, Instant renewFrom) {
        if (data == null || !base64(certificatePem()).equals(data.get(CERTIFICATE)) || data.get("tls.key") == null) {
            return false;
        }
        try {
            X509Certificate issued = certificate(decoded(data, "tls.crt"));
            issued.verify(certificate.getPublicKey());
            return issued.getNotAfter().toInstant().isAfter(renewFrom)
                    && List.copyOf(dnsNames(issued)).equals(List.copyOf(new java.util.TreeSet<>(dnsNames)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static java.util.SortedSet<String> dnsNames(X509Certificate certificate) throws GeneralSecurityException {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
        if (alternatives != null) {
            for (List<?> name : alternatives) {
                if (Integer.valueOf(GeneralName.dNSName).equals(name.get(0))) {
                    names.add((String) name.get(1));
                }
            }
        }
        return names;
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(
            X500Name issuer, X500Name subject, KeyPair keys, Instant now, Duration validity) {
        // An hour's grace before now: clocks of the nodes need not agree to the second.
        return new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(127, SERIALS),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(validity)),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static X509Certificate certificate(String pem) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    private static String decoded(Map<String, String> data, String name) {
        String value = data == null ? null : data.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
