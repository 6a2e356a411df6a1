package io.kubedyn.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A connection to a storage pod's port as an outsider would open one: in plain text, over TLS
 * trusting the internal authority without a certificate of its own, or over TLS presenting one
 * ({@code tls.crt}, {@code tls.key} and {@code ca.crt} of a projected {@code kubernetes.io/tls}
 * Secret). What the pod answers tells whether it talks to that caller.
 */
final class PodConnection {
    enum Caller {
        PLAIN_TEXT,
        TLS_WITHOUT_CERTIFICATE,
        TLS_WITH_CERTIFICATE
    }

    private PodConnection() {}

    /**
     * Whether the gRPC server at {@code host:port} speaks HTTP/2 with the caller: its first frame,
     * after the client's preface, is a SETTINGS frame. A refused caller gets a failed handshake,
     * a closed connection or, in plain text, a TLS alert.
     */
    static boolean grpcAnswers(String host, int port, Path certificates, Caller caller) throws Exception {
        try (Socket socket = open(host, port, certificates, caller, "h2")) {
            OutputStream out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            out.flush();
            byte[] header = socket.getInputStream().readNBytes(9);
            return header.length == 9 && header[3] == 4;
        } catch (IOException refused) {
            return false;
        }
    }

    /** The status line an HTTP/1.1 {@code PUT} of {@code body} at {@code path} is answered with; null if refused. */
    static String put(String host, int port, Path certificates, Caller caller, String path, String body)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = open(host, port, certificates, caller, "http/1.1")) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain\r\n"
                            + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return answer.startsWith("HTTP/") ? answer.lines().findFirst().orElseThrow() : null;
        } catch (IOException refused) {
            return null;
        }
    }

    private static Socket open(String host, int port, Path certificates, Caller caller, String protocol)
            throws Exception {
        if (caller == Caller.PLAIN_TEXT) {
            Socket socket = new Socket(host, port);
            socket.setSoTimeout(5_000);
            return socket;
        }
        SSLSocket socket = (SSLSocket) context(certificates, caller == Caller.TLS_WITH_CERTIFICATE)
                .getSocketFactory()
                .createSocket(host, port);
        socket.setSoTimeout(5_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {protocol});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static SSLContext context(Path certificates, boolean withOwn) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certificates.resolve("ca.crt"))) {
            trusted.setCertificateEntry("ca", x509.generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        KeyManagerFactory keys = null;
        if (withOwn) {
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            Certificate certificate;
            try (InputStream in = Files.newInputStream(certificates.resolve("tls.crt"))) {
                certificate = x509.generateCertificate(in);
            }
            String pem = Files.readString(certificates.resolve("tls.key"))
                    .replaceAll("-----[A-Z ]+-----", "")
                    .replaceAll("\\s", "");
            own.setKeyEntry(
                    "own",
                    KeyFactory.getInstance("EC")
                            .generatePrivate(
                                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem))),
                    new char[0],
                    new Certificate[] {certificate});
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(own, new char[0]);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }
}
