package io.fhs.operators.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhs.operators.model.ModelDirectory.StModule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.annotation.Internal;

/**
 * A sentence-transformers v5 {@code Router} directory: {@code modules.json} names a {@code Router}
 * module, and its {@code router_config.json} maps each route ({@code query}, {@code document}) to
 * the module folders it runs in order, e.g. {@code query_0_SparseStaticEmbedding} or {@code
 * document_0_MLMTransformer}, {@code document_1_SpladePooling}, with their Python classes under
 * {@code types}.
 */
@Internal
public record RouterConfig(Path root, Path file, Map<String, List<StModule>> routes) {
    public static final String FILE = "router_config.json";
    public static final String QUERY = "query";
    public static final String DOCUMENT = "document";

    /** The Router config of {@code dir}, or empty when its {@code modules.json} has no Router. */
    public static Optional<RouterConfig> detect(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        Path modulesFile = root.resolve("modules.json");
        Optional<JsonNode> modules = ModelDirectory.readJson(modulesFile);
        if (modules.isEmpty()) {
            return Optional.empty();
        }
        for (StModule module : ModelDirectory.parseModules(modulesFile, modules.get())) {
            if (module.simpleType().equals("Router")) {
                return Optional.of(load(root.resolve(module.path()).normalize()));
            }
        }
        return Optional.empty();
    }

    /**
     * Fails with a message naming the Router config when {@code dir} is a Router directory: for
     * callers that need one model graph at the root (dense encoders, cross-encoders).
     */
    static void rejectIfRouter(Path dir) {
        detect(dir)
                .ifPresent(
                        router -> {
                            throw new ModelException(
                                    router.file()
                                            + ": a sentence-transformers Router model (routes "
                                            + router.describeRoutes()
                                            + ") is supported only as an inference-free SPLADE"
                                            + " sparse model (query: SparseStaticEmbedding,"
                                            + " document: MLMTransformer + SpladePooling); for"
                                            + " a dense model, use one route's module folder"
                                            + " with its own model.onnx");
                        });
    }

    static RouterConfig load(Path root) {
        Path file = root.resolve(FILE);
        JsonNode node =
                ModelDirectory.readJson(file)
                        .orElseThrow(
                                () ->
                                        new ModelException(
                                                root.resolve("modules.json")
                                                        + " names a Router module, but "
                                                        + file
                                                        + " does not exist"));
        JsonNode types = field(file, node, "types");
        JsonNode structure = field(file, node, "structure");
        Map<String, List<StModule>> routes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> route : structure.properties()) {
            routes.put(route.getKey(), route(file, types, route.getKey(), route.getValue()));
        }
        if (routes.isEmpty()) {
            throw new ModelException(file + ": \"structure\" names no routes");
        }
        return new RouterConfig(root, file, Map.copyOf(routes));
    }

    private static JsonNode field(Path file, JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isObject()) {
            throw new ModelException(
                    file
                            + ": \""
                            + name
                            + "\" must be a JSON object (a sentence-transformers v5 Router"
                            + " config has \"types\", \"structure\" and \"parameters\"), got "
                            + value);
        }
        return value;
    }

    private static List<StModule> route(Path file, JsonNode types, String name, JsonNode ids) {
        if (!ids.isArray() || ids.isEmpty()) {
            throw new ModelException(
                    file + ": route \"" + name + "\" must be a non-empty array of module folders");
        }
        List<StModule> modules = new ArrayList<>();
        for (JsonNode id : ids) {
            JsonNode type = id.isTextual() ? types.get(id.textValue()) : null;
            if (type == null || !type.isTextual()) {
                throw new ModelException(
                        file
                                + ": route \""
                                + name
                                + "\" names module "
                                + id
                                + ", which \"types\" does not map to a class name");
            }
            modules.add(new StModule(type.textValue(), id.textValue()));
        }
        return modules;
    }

    /** The modules of {@code route}; fails naming the config when the route does not exist. */
    public List<StModule> route(String name) {
        List<StModule> modules = routes.get(name);
        if (modules == null) {
            throw new ModelException(
                    file + ": no route \"" + name + "\" (routes: " + describeRoutes() + ")");
        }
        return modules;
    }

    /**
     * The simple class names of a route's modules, e.g. {@code [MLMTransformer, SpladePooling]}.
     */
    public List<String> simpleTypes(String name) {
        return route(name).stream().map(StModule::simpleType).toList();
    }

    /** A module's folder. */
    public Path folder(StModule module) {
        return root.resolve(module.path());
    }

    public String describeRoutes() {
        StringBuilder out = new StringBuilder();
        routes.keySet().stream()
                .sorted()
                .forEach(
                        name ->
                                out.append(out.length() == 0 ? "" : ", ")
                                        .append(name)
                                        .append(": ")
                                        .append(simpleTypes(name)));
        return out.toString();
    }
}
