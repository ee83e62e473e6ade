package io.fhs.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The job jar a user drops into a cluster's lib/ finds both SQL factories: the shade plugin's
 * ServicesResourceTransformer merges the project's Factory service file with the Kafka connector's
 * instead of keeping one of them.
 */
class JobJarServicesITCase {
    static final Path JOB_JAR = Path.of("target/fhs-jobs-job.jar");
    static final String FACTORIES = "META-INF/services/org.apache.flink.table.factories.Factory";

    @Test
    void jobJarListsTheProjectsFactoriesBesideKafkas() throws Exception {
        try (JarFile jar = new JarFile(JOB_JAR.toFile())) {
            ZipEntry entry = jar.getEntry(FACTORIES);
            assertThat(entry).as(FACTORIES).isNotNull();
            List<String> factories;
            try (InputStream in = jar.getInputStream(entry)) {
                factories =
                        new String(in.readAllBytes(), StandardCharsets.UTF_8)
                                .lines()
                                .map(String::strip)
                                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                                .toList();
            }
            assertThat(factories)
                    .contains(
                            "io.fhs.jobs.sql.OnnxModelProviderFactory",
                            "io.fhs.jobs.sql.qdrant.QdrantTableFactory",
                            "org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory");
            assertThat(jar.getEntry("io/fhs/jobs/sql/SqlRunner.class")).isNotNull();
        }
    }
}
