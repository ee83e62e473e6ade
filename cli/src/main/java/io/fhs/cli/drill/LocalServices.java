package io.fhs.cli.drill;

import io.fhs.connectors.qdrant.QdrantConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Kafka broker and a Qdrant (one node or a cluster) of the drill's own, driven through {@code
 * bin/fhs-local} with FHS_LOCAL_DIR and ports no developer's services use, so that killing them
 * touches nothing else.
 */
public final class LocalServices {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
    // bin/fhs-local puts node K of a Qdrant cluster on the base ports + 10 K.
    private static final int NODE_PORT_STEP = 10;

    private final Path home;
    private final Path stateDir;
    private final int qdrantNodes;
    private final int qdrantHttpPort;
    private final int qdrantGrpcPort;
    private final int qdrantP2pPort;
    private final int kafkaPort;
    private final int kafkaControllerPort;

    public LocalServices(Path home, Path stateDir, int qdrantNodes) {
        this.home = home;
        this.stateDir = stateDir;
        this.qdrantNodes = qdrantNodes;
        this.qdrantHttpPort = freeNodePorts();
        this.qdrantGrpcPort = freeNodePorts();
        this.qdrantP2pPort = freeNodePorts();
        this.kafkaPort = ClusterControl.freePort();
        this.kafkaControllerPort = ClusterControl.freePort();
    }

    /** Starts whatever is not running: everything at first, a killed service later. */
    public void up() {
        List<String> args = new ArrayList<>(List.of("up"));
        if (qdrantNodes > 1) {
            args.addAll(List.of("--qdrant-nodes", Integer.toString(qdrantNodes)));
        }
        Scripts.check(SCRIPT_TIMEOUT, builder(args));
    }

    public void down() {
        Scripts.check(SCRIPT_TIMEOUT, builder(List.of("down")));
    }

    public int qdrantNodes() {
        return qdrantNodes;
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** Node 0 (the only node, or the one clients use in a cluster). */
    public QdrantConnection qdrant() {
        return QdrantConnection.local(qdrantGrpcPort);
    }

    /** The URL the job's {@code qdrant.url} takes. */
    public String qdrantUrl() {
        return "http://127.0.0.1:" + qdrantGrpcPort;
    }

    /** SIGKILLs every Qdrant process (all nodes of a cluster), then starts them again. */
    public void killQdrant() {
        if (qdrantNodes == 1) {
            Scripts.killHard(pid("qdrant"), "qdrant");
        } else {
            for (int k = qdrantNodes - 1; k >= 0; k--) {
                Scripts.killHard(pid("qdrant" + k), "qdrant" + k);
            }
        }
    }

    /** SIGKILLs node {@code k} of the Qdrant cluster. */
    public void killQdrantNode(int k) {
        Scripts.killHard(pid("qdrant" + k), "qdrant" + k);
    }

    /** Stops the Kafka broker cleanly (SIGTERM: a restart for maintenance, say). */
    public void stopKafka() {
        Scripts.stop(pid("kafka"), "kafka");
    }

    /** The REST port of Qdrant node {@code k}. */
    public int qdrantHttpPort(int k) {
        return qdrantHttpPort + k * NODE_PORT_STEP;
    }

    private long pid(String service) {
        return Scripts.readPid(stateDir.resolve("run/" + service + ".pid"), service);
    }

    private ProcessBuilder builder(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/fhs-local").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("FHS_LOCAL_DIR", stateDir.toString());
        env.put("FHS_QDRANT_HTTP_PORT", Integer.toString(qdrantHttpPort));
        env.put("FHS_QDRANT_GRPC_PORT", Integer.toString(qdrantGrpcPort));
        env.put("FHS_QDRANT_P2P_PORT", Integer.toString(qdrantP2pPort));
        env.put("FHS_KAFKA_PORT", Integer.toString(kafkaPort));
        env.put("FHS_KAFKA_CONTROLLER_PORT", Integer.toString(kafkaControllerPort));
        // Services of their own: a developer's external ones must not be used or checked.
        env.remove("QDRANT_URL");
        env.remove("QDRANT_API_KEY");
        env.remove("KAFKA_BOOTSTRAP_SERVERS");
        env.remove("FHS_SECURE");
        env.remove("FHS_QDRANT_NODES");
        return pb;
    }

    /** A base port whose cluster-node ports (base + 10 K) are free as well. */
    private int freeNodePorts() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ClusterControl.freePort();
            boolean free = true;
            for (int k = 1; k < qdrantNodes && free; k++) {
                free = isFree(base + k * NODE_PORT_STEP);
            }
            if (free) {
                return base;
            }
        }
        throw new DrillException("no free ports for " + qdrantNodes + " Qdrant nodes");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException busy) {
            return false;
        }
    }
}
