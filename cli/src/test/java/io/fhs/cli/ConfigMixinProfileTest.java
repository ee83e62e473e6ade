package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.model.ModelLocator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --profile}: the committed profiles over the committed option files. */
class ConfigMixinProfileTest {
    private String home;

    @BeforeEach
    void repositoryRootIsHome() {
        home = System.getProperty("fhs.home");
        System.setProperty("fhs.home", Path.of("..").toAbsolutePath().normalize().toString());
    }

    @AfterEach
    void restoreHome() {
        if (home == null) {
            System.clearProperty("fhs.home");
        } else {
            System.setProperty("fhs.home", home);
        }
    }

    @Test
    void theFastProfileBeatsTheFileAndLosesToD() {
        ConfigMixin plain = new ConfigMixin();
        assertThat(plain.load(ConfigMixin.QUERY_FILE).get(ModelOptions.DENSE))
                .isEqualTo("all-MiniLM-L6-v2");
        ConfigMixin fast = new ConfigMixin();
        fast.profiles.add("fast");
        for (String file : new String[] {ConfigMixin.QUERY_FILE, ConfigMixin.INGEST_FILE}) {
            Configuration conf = fast.load(file);
            assertThat(conf.get(ModelOptions.DENSE)).as(file).isEqualTo("all-MiniLM-L6-v2-int8");
            assertThat(conf.get(QdrantOptions.COLLECTION))
                    .as("from the file")
                    .isEqualTo("documents");
        }
        assertThat(ModelLocator.resolve("all-MiniLM-L6-v2-int8").onnxFile()).exists();
        fast.overrides.put(ModelOptions.DENSE.key(), "bge-small-en-v1.5");
        assertThat(fast.load(ConfigMixin.QUERY_FILE).get(ModelOptions.DENSE))
                .isEqualTo("bge-small-en-v1.5");
    }

    @Test
    void aProfileFileWinsInOrderAndAnUnknownNameListsTheProfiles(@TempDir Path tmp)
            throws Exception {
        Path mine = Files.writeString(tmp.resolve("mine.yaml"), "qdrant.collection: mine\n");
        ConfigMixin m = new ConfigMixin();
        m.profiles.add("fast");
        m.profiles.add(mine.toString());
        Configuration conf = m.load(ConfigMixin.QUERY_FILE);
        assertThat(conf.get(QdrantOptions.COLLECTION)).isEqualTo("mine");
        assertThat(conf.get(ModelOptions.DENSE)).isEqualTo("all-MiniLM-L6-v2-int8");
        ConfigMixin typo = new ConfigMixin();
        typo.profiles.add("fsat");
        assertThatThrownBy(() -> typo.load(ConfigMixin.QUERY_FILE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--profile fsat")
                .hasMessageContaining("[fast]");
    }
}
