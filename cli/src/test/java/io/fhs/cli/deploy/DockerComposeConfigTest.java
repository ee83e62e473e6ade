package io.fhs.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Validates the repository's docker-compose.yml with {@code docker-compose config} (no Docker
 * engine needed) and checks what the deployment relies on: the services, pinned image versions that
 * agree with the build, and the Flink configuration with parent-first classloading mounted into the
 * cluster.
 *
 * <p>Needs the {@code docker-compose} command (Debian package {@code docker-compose}, which {@code
 * .ci/install-tools} installs); without it the test fails rather than silently skipping.
 */
class DockerComposeConfigTest {
    private static final Pattern IMAGE =
            Pattern.compile("^\\s*image:\\s*['\"]?([^'\"\\s]+)['\"]?\\s*$");
    private static final Pattern SERVICE = Pattern.compile("^  ([A-Za-z0-9._-]+):\\s*$");
    // Short volume syntax: "- /host/path:/container/path[:mode]".
    private static final Pattern SHORT_MOUNT =
            Pattern.compile("^\\s*- ['\"]?([^:'\"]+):([^:'\"]+)(?::([a-z,]+))?['\"]?\\s*$");
    // Long volume syntax (docker compose v2 prints it): "source: ..." / "target: ..." lines.
    private static final Pattern LONG_KEY =
            Pattern.compile("^\\s*-?\\s*(source|target|read_only):\\s*(\\S+)\\s*$");

    private static Path root;
    private static String config;
    private static Map<String, String> services;

    @BeforeAll
    static void runDockerComposeConfig() throws Exception {
        root = repositoryRoot();
        Path compose = root.resolve("docker-compose.yml");
        Run run = dockerCompose(compose, "config");
        assertThat(run.exitCode())
                .as("docker-compose config on %s failed:%n%s", compose, run.err())
                .isZero();
        config = run.out();
        services = serviceSections(config);
    }

    @Test
    void definesTheDeploymentServices() throws Exception {
        Run run = dockerCompose(root.resolve("docker-compose.yml"), "config", "--services");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> listed =
                run.out().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        assertThat(listed)
                .containsExactlyInAnyOrder(
                        "kafka",
                        "qdrant",
                        "volume-init",
                        "jobmanager",
                        "taskmanager",
                        "submit",
                        "prometheus",
                        "grafana");
        assertThat(services.keySet()).containsExactlyInAnyOrderElementsOf(listed);
    }

    @Test
    void everyServiceRunsAPinnedImage() {
        for (Map.Entry<String, String> service : services.entrySet()) {
            List<String> images = images(service.getValue());
            assertThat(images).as("image of service %s", service.getKey()).hasSize(1);
            String image = images.get(0);
            assertThat(image)
                    .as("service %s must pin its image tag", service.getKey())
                    .matches("[a-z0-9./_-]+:[A-Za-z0-9._-]+")
                    .doesNotEndWith(":latest");
        }
    }

    @Test
    void imageVersionsAgreeWithTheBuildAndTheLocalServices() throws IOException {
        String pom = Files.readString(root.resolve("pom.xml"));
        String flink = property(pom, "flink.version");
        String kafka = property(pom, "kafka.version");
        String qdrant =
                match(
                        Files.readString(root.resolve("bin/fhs-local")),
                        "(?m)^QDRANT_VERSION=(\\S+)$",
                        "QDRANT_VERSION in bin/fhs-local");

        assertThat(images(services.get("jobmanager")))
                .containsExactly("flink:" + flink + "-scala_2.12-java17");
        assertThat(images(services.get("taskmanager")))
                .isEqualTo(images(services.get("jobmanager")));
        assertThat(images(services.get("submit"))).isEqualTo(images(services.get("jobmanager")));
        assertThat(images(services.get("kafka"))).containsExactly("apache/kafka:" + kafka);
        assertThat(images(services.get("qdrant"))).containsExactly("qdrant/qdrant:v" + qdrant);
    }

    @Test
    void flinkGetsTheParentFirstConfigAndTheInferenceLibraries() throws IOException {
        for (String name : List.of("taskmanager", "jobmanager")) {
            String section = services.get(name);
            Map<String, String> mounts = mounts(section);

            String conf = mounts.get("/opt/fhs/conf");
            assertThat(conf)
                    .as("%s mounts ./conf at /opt/fhs/conf; mounts: %s", name, mounts)
                    .isNotNull();
            assertThat(Files.isSameFile(Path.of(conf), root.resolve("conf"))).as(conf).isTrue();
            // The entrypoint copies the mounted file over the image's config.yaml.
            assertThat(section).contains("/opt/fhs/conf/flink/config.yaml");

            String flinkConfig = Files.readString(Path.of(conf, "flink", "config.yaml"));
            assertThat(flinkConfig)
                    .containsPattern(
                            "(?m)^classloader\\.parent-first-patterns\\.additional:\\s*"
                                    + "\\[\"ai\\.onnxruntime\\.\", \"ai\\.djl\\.\", \"com\\.sun\\.jna\\.\"\\]\\s*$");

            String lib = mounts.get("/opt/flink/lib/fhs");
            assertThat(lib)
                    .as(
                            "%s puts .local/flink-lib on the cluster classpath; mounts: %s",
                            name, mounts)
                    .isNotNull();
            assertThat(Path.of(lib).normalize())
                    .isEqualTo(root.resolve(".local/flink-lib").toAbsolutePath().normalize());
            assertThat(mounts).containsKey("/opt/fhs/models");
        }
    }

    @Test
    void prometheusScrapesEveryFlinkProcessAndQdrant() throws IOException {
        Map<String, String> mounts = mounts(services.get("prometheus"));
        String file = mounts.get("/etc/prometheus/prometheus.yml");
        assertThat(file).as("prometheus mounts; %s", mounts).isNotNull();
        assertThat(Path.of(file).normalize())
                .isEqualTo(root.resolve("conf/prometheus/prometheus.yml").normalize());
        String prometheus = Files.readString(Path.of(file));
        // The reporter port of conf/flink/config.yaml, on the jobmanager and every taskmanager.
        String flinkConfig = Files.readString(root.resolve("conf/flink/config.yaml"));
        assertThat(flinkConfig)
                .contains(
                        "metrics.reporter.prom.factory.class:"
                                + " org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsPattern("(?m)^metrics\\.reporter\\.prom\\.port: 9250$");
        assertThat(prometheus)
                .contains("jobmanager:9250")
                .containsPattern("names: \\[\"taskmanager\"\\]\\s+type: A\\s+port: 9250")
                .contains("qdrant:6333");
    }

    @Test
    void grafanaProvisionsThePrometheusSourceAndTheDashboard() throws IOException {
        Map<String, String> mounts = mounts(services.get("grafana"));
        assertThat(Path.of(mounts.get("/etc/grafana/provisioning")).normalize())
                .isEqualTo(root.resolve("conf/grafana/provisioning").normalize());
        assertThat(Path.of(mounts.get("/var/lib/grafana/dashboards")).normalize())
                .isEqualTo(root.resolve("conf/grafana/dashboards").normalize());
        String source =
                Files.readString(
                        root.resolve("conf/grafana/provisioning/datasources/prometheus.yml"));
        assertThat(source).contains("uid: fhs-prometheus").contains("url: http://prometheus:9090");
        // Every panel of the dashboard queries the provisioned source.
        JsonNode dashboard =
                new ObjectMapper()
                        .readTree(root.resolve("conf/grafana/dashboards/fhs.json").toFile());
        assertThat(dashboard.path("panels").size()).isGreaterThan(5);
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText())
                    .as("data source of panel %s", panel.path("title").asText())
                    .isEqualTo("fhs-prometheus");
            assertThat(panel.path("targets").size())
                    .as("queries of panel %s", panel.path("title").asText())
                    .isPositive();
        }
    }

    // ---------------------------------------------------------------------------------------------

    record Run(int exitCode, String out, String err) {}

    /** Runs docker-compose on the given file, from the repository root. */
    static Run dockerCompose(Path composeFile, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(dockerComposeBinary().toString());
        command.add("-f");
        command.add(composeFile.toString());
        command.addAll(List.of(args));
        // Both streams to files, never pipes: a read of a pipe would wait past the timeout for a
        // docker-compose that hangs without closing its output.
        Path out = Files.createTempFile("docker-compose", ".out");
        Path err = Files.createTempFile("docker-compose", ".err");
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(command)
                            .directory(root.toFile())
                            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                            .redirectOutput(out.toFile())
                            .redirectError(err.toFile());
            // Only the file given with -f counts, whatever the environment selects.
            pb.environment().remove("COMPOSE_FILE");
            pb.environment().remove("COMPOSE_PROFILES");
            Process process = pb.start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("%s did not finish within 2 minutes", String.join(" ", command));
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Path dockerComposeBinary() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, "docker-compose");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail(
                "docker-compose is not on the PATH; this test validates docker-compose.yml with"
                        + " `docker-compose config`. Install `docker-compose` (Debian/Ubuntu: sudo"
                        + " apt-get install -y docker-compose, or run .ci/install-tools as root).");
    }

    /**
     * The repository root: the nearest directory at or above the working directory with both files.
     */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath().normalize();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("docker-compose.yml"))
                    && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        return fail("No docker-compose.yml with a pom.xml beside it at or above %s", dir);
    }

    /** Each service's block of the rendered configuration (the lines at two-space indentation). */
    static Map<String, String> serviceSections(String rendered) {
        Map<String, String> sections = new LinkedHashMap<>();
        boolean inServices = false;
        String current = null;
        StringBuilder body = new StringBuilder();
        for (String line : rendered.split("\n", -1)) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
                if (current != null) {
                    sections.put(current, body.toString());
                    current = null;
                }
                inServices = line.startsWith("services:");
                continue;
            }
            if (!inServices) {
                continue;
            }
            Matcher service = SERVICE.matcher(line);
            if (service.matches()) {
                if (current != null) {
                    sections.put(current, body.toString());
                }
                current = service.group(1);
                body = new StringBuilder();
            } else if (current != null) {
                body.append(line).append('\n');
            }
        }
        if (current != null) {
            sections.put(current, body.toString());
        }
        return sections;
    }

    static List<String> images(String section) {
        List<String> images = new ArrayList<>();
        for (String line : section.split("\n")) {
            // Only the service's own key (4 spaces), not a word inside a script.
            Matcher m = IMAGE.matcher(line);
            if (line.startsWith("    image:") && m.matches()) {
                images.add(m.group(1));
            }
        }
        return images;
    }

    /** Container path to host path of a service's bind mounts and volumes, in either syntax. */
    static Map<String, String> mounts(String section) {
        Map<String, String> mounts = new LinkedHashMap<>();
        boolean inVolumes = false;
        String source = null;
        for (String line : section.split("\n")) {
            if (line.startsWith("    ") && !line.startsWith("     ") && !line.startsWith("    -")) {
                inVolumes = line.strip().equals("volumes:");
                source = null;
                continue;
            }
            if (!inVolumes) {
                continue;
            }
            Matcher shortMount = SHORT_MOUNT.matcher(line);
            Matcher longKey = LONG_KEY.matcher(line);
            if (line.strip().startsWith("- type:")) {
                source = null;
            } else if (longKey.matches() && longKey.group(1).equals("source")) {
                source = longKey.group(2);
            } else if (longKey.matches() && longKey.group(1).equals("target") && source != null) {
                mounts.put(longKey.group(2), source);
            } else if (shortMount.matches()) {
                mounts.put(shortMount.group(2), shortMount.group(1));
            }
        }
        return mounts;
    }

    static String property(String pom, String name) {
        return match(pom, "<" + Pattern.quote(name) + ">([^<]+)</", name + " in pom.xml");
    }

    static String match(String text, String regex, String what) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1).strip() : fail("%s not found", what);
    }
}
