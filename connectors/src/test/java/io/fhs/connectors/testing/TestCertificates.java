package io.fhs.connectors.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

/**
 * A self-signed server certificate for 127.0.0.1 and localhost, made by the openssl command when a
 * test starts (none is ever committed). Qdrant reads the PEM files; Kafka reads them as PEM key and
 * trust stores, so no keytool conversion is needed.
 *
 * @param cert the certificate, also what clients trust (the CA file)
 * @param key the unencrypted PKCS#8 private key
 * @param keyAndCert key then certificate in one file, as a Kafka PEM keystore wants them
 */
public record TestCertificates(Path cert, Path key, Path keyAndCert) {

    /** Generates a fresh key and certificate into {@code dir}. */
    public static TestCertificates generate(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        ChildProcess.Result openssl =
                ChildProcess.run(
                        Duration.ofSeconds(60),
                        dir,
                        List.of(
                                "openssl",
                                "req",
                                "-x509",
                                "-newkey",
                                "rsa:2048",
                                "-nodes",
                                "-days",
                                "2",
                                "-subj",
                                "/CN=localhost",
                                "-addext",
                                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                                "-keyout",
                                key.toString(),
                                "-out",
                                cert.toString()));
        if (openssl.exitCode() != 0) {
            throw new ChildProcessException(
                    "openssl could not make a test certificate: " + openssl.output());
        }
        Path both = dir.resolve("key-and-cert.pem");
        Files.writeString(both, Files.readString(key));
        Files.writeString(both, Files.readString(cert), StandardOpenOption.APPEND);
        return new TestCertificates(cert, key, both);
    }
}
