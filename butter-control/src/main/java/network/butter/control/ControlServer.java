package network.butter.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import network.butter.api.RouteTraffic;
import network.butter.env.PathKind;
import network.butter.hosts.KnownHost;
import network.butter.identity.PeerId;
import network.butter.node.ButterNode;
import network.butter.persist.GetOptions;
import network.butter.persist.GroupSummary;
import network.butter.persist.PeerContentGroups;
import network.butter.persist.StorageException;
import network.butter.store.Chunker;
import network.butter.store.ContentId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control API of a running node: JSON over HTTP on loopback, for the {@code butter} command, scripts and the
 * dashboard.
 *
 * <table>
 *   <caption>Endpoints (all under {@value #PREFIX})</caption>
 *   <tr><td>{@code GET status}</td><td>identity, addresses (best first), reachability ({@code public host:port},
 *       {@code private, relayed via id@host:port}, {@code unknown}, or {@code off} without a wider layer), uptime, memory budget, storage (groups by state, bytes
 *       held), counts</td></tr>
 *   <tr><td>{@code GET hosts}</td><td>known hosts with what they said about themselves, and the path frames to each take now
 *       ({@code direct}, {@code punched}, {@code relayed}, or {@code none} without an open connection)</td></tr>
 *   <tr><td>{@code GET traffic}</td><td>messages and bytes this node sent, per route</td></tr>
 *   <tr><td>{@code POST content}</td><td>stores the request body, streamed (any size storage takes, a few chunks in
 *       memory); answers {@code {"id": …, "bytes": …}}</td></tr>
 *   <tr><td>{@code GET content/ID}</td><td>the content's bytes, streamed</td></tr>
 *   <tr><td>{@code PUT content/ID}</td><td>stores the body, streamed, as the next version of ID; answers the new id</td></tr>
 *   <tr><td>{@code DELETE content/ID}</td><td>deletes content this node owns</td></tr>
 *   <tr><td>{@code GET events}</td><td>server-sent events: a {@code tick} each second (status and traffic), a
 *       {@code host} for each host admitted</td></tr>
 * </table>
 *
 * <p>{@code /} serves the dashboard, a page that shows all of this live. With a token, a request may carry it as
 * {@code ?access_token=} instead of the header, for the dashboard's event stream (browsers cannot set headers there).
 *
 * <p>It uses the JDK's HTTP server: the API is small, local and low-volume, the server streams bodies both ways,
 * and each exchange runs on a virtual thread, so a node embedding it carries no web framework. Errors are JSON
 * {@code {"error": "…"}} with a status that says what happened: 400 bad input, 401 missing token, 404 unknown
 * content or endpoint, 410 deleted content, 413 too large, 503 storage unavailable or too few replicas, 504 timeout.
 */
public final class ControlServer implements AutoCloseable {

    /** Streamed reads hold a few chunks at a time, so they take content of any size storage allows. */
    private static final GetOptions STREAMED_READS = GetOptions.defaults().withMaxContentBytes(Chunker.MAX_CONTENT_BYTES);

    /** Every endpoint's path starts with this. */
    public static final String PREFIX = "/api/v1/";
    /** How long a storage operation may take before the API answers 504, in seconds. */
    static final long STORAGE_TIMEOUT_SECONDS = 120;

    private static final String TOKEN_PARAMETER = "access_token=";
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    /** How long the hosts list waits for the node loop to report the paths before it shows none. */
    private static final long PATHS_WAIT_MS = 2_000;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final ButterNode node;
    private final ControlConfig config;
    private final HttpServer server;
    private final ExecutorService exchanges = Executors.newVirtualThreadPerTaskExecutor();
    private final EventStream events;

    private ControlServer(ButterNode node, ControlConfig config, HttpServer server) {
        this.node = node;
        this.config = config;
        this.server = server;
        this.events = new EventStream(JSON, () -> Map.of("status", status(), "traffic", traffic()));
    }

    /**
     * Starts serving the API of a started node.
     *
     * @throws IllegalStateException naming the address if it cannot listen there (e.g. the port is taken)
     */
    public static ControlServer start(ButterNode node, ControlConfig config) {
        return bind(node, config).serve();
    }

    /**
     * Takes the API's address for a node that may not be started yet, without serving anything: a command binds first,
     * so that a taken port fails it before the node starts, and the work of setting the server up is done before the
     * node competes for the CPU. Then {@link #serve()} once the node runs.
     *
     * @throws IllegalStateException naming the address if it cannot listen there (e.g. the port is taken)
     */
    public static ControlServer bind(ButterNode node, ControlConfig config) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the control API on " + config.host() + ":" + config.port()
                + ": " + e.getMessage() + " (another node running? choose --http-port or --no-http)", e);
        }
        ControlServer control = new ControlServer(node, config, http);
        http.setExecutor(control.exchanges);
        http.createContext(PREFIX, control::serve);
        http.createContext("/", control::page);
        return control;
    }

    /**
     * Starts answering requests; the node must be started.
     *
     * @return this server
     */
    public ControlServer serve() {
        node.knownHosts().onAdmitted(host -> events.publish("host", Map.of("address", host.address().toString(),
            "subnet", host.subnet())));
        server.start();
        return this;
    }

    /** Where the API listens, e.g. to print {@code http://127.0.0.1:7080}. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops serving; exchanges in flight get a second to finish. */
    @Override
    public void close() {
        events.close();
        server.stop(1);
        exchanges.shutdownNow();
    }

    private void serve(HttpExchange exchange) {
        try (exchange) {
            if (!authorized(exchange)) {
                answer(exchange, 401, error("this API needs the header 'Authorization: Bearer <token>'"));
                return;
            }
            route(exchange, exchange.getRequestMethod(), exchange.getRequestURI().getPath().substring(PREFIX.length()));
        } catch (IOException e) {
            log.debug("control API exchange ended early: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("control API request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        }
    }

    private void route(HttpExchange exchange, String method, String path) throws IOException {
        switch (path) {
            case "status" -> onlyGet(exchange, method, this::status);
            case "hosts" -> onlyGet(exchange, method, this::hosts);
            case "traffic" -> onlyGet(exchange, method, this::traffic);
            case "events" -> {
                if (method.equals("GET")) {
                    events.serve(exchange);
                } else {
                    answer(exchange, 405, error("only GET is allowed here"));
                }
            }
            case "content" -> {
                if (method.equals("POST")) {
                    put(exchange, null);
                } else {
                    answer(exchange, 405, error("POST content stores the body; GET, PUT and DELETE take content/ID"));
                }
            }
            default -> {
                if (path.startsWith("content/")) {
                    content(exchange, method, path.substring("content/".length()));
                } else {
                    answer(exchange, 404, error("no such endpoint: " + PREFIX + path));
                }
            }
        }
    }

    /** The dashboard: one self-contained page (no outside scripts or fonts, so it works offline). */
    private void page(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/") && !path.equals("/index.html")) {
                answer(exchange, 404, error("no such page; the API is under " + PREFIX));
                return;
            }
            byte[] page;
            try (InputStream in = ControlServer.class.getResourceAsStream("dashboard.html")) {
                page = in.readAllBytes();
            }
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; "
                + "script-src 'unsafe-inline'");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
        } catch (IOException e) {
            log.debug("dashboard request ended early: {}", e.getMessage());
        }
    }

    private void onlyGet(HttpExchange exchange, String method, java.util.function.Supplier<Object> body) throws IOException {
        if (method.equals("GET")) {
            answer(exchange, 200, body.get());
        } else {
            answer(exchange, 405, error("only GET is allowed here"));
        }
    }

    private Object status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("id", node.id().toString());
        status.put("addresses", node.addresses().stream().map(Object::toString).toList());
        status.put("reachability", node.wider().map(wider -> wider.state().describe()).orElse("off"));
        status.put("uptimeMs", node.knownHosts().quality().uptimeMs());
        status.put("memoryBudgetBytes", node.config().memoryBudgetBytes());
        status.put("knownHosts", node.knownHosts().hosts().size());
        status.put("knownBy", node.knownHosts().quality().knownBy());
        Map<String, Object> storage = new LinkedHashMap<>();
        storage.put("enabled", node.config().storage() != null);
        if (node.config().storage() != null) {
            storage.put("capacityBytes", node.config().storage().capacityBytes());
            storage.put("availableBytes", node.knownHosts().quality().storageAvailableBytes());
            groups().ifPresent(groups -> {
                storage.put("bytesHeld", groups.bytesHeld());
                storage.put("groups", Map.of("cold", groups.cold(), "goldilocks", groups.goldilocks(), "hot", groups.hot()));
            });
        }
        status.put("storage", storage);
        status.put("messagesSent", node.stats().requestsSent() + node.stats().repliesSent());
        status.put("bytesSent", node.stats().bytesSent());
        return status;
    }

    /** The node's groups by state, if it runs the standard storage and answers within a second. */
    private java.util.Optional<GroupSummary> groups() {
        if (!(node.storage() instanceof PeerContentGroups groups)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(groups.summary().get(1, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return java.util.Optional.empty();
        }
    }

    private Object hosts() {
        long now = node.knownHosts().quality().uptimeMs() + node.knownHosts().startedAtMs();
        List<KnownHost> hosts = node.knownHosts().hosts();
        Map<PeerId, PathKind> paths = paths();
        return hosts.stream().map(host -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("address", host.address().toString());
            PathKind path = paths.get(host.address().id());
            entry.put("path", path == null ? "none" : path.name().toLowerCase(Locale.ROOT));
            entry.put("subnet", host.subnet());
            entry.put("uptimeMs", host.quality().uptimeMs());
            entry.put("storageAvailableBytes", host.quality().storageAvailableBytes());
            entry.put("knownHosts", host.quality().knownHosts());
            entry.put("knownBy", host.quality().knownBy());
            entry.put("ambassador", host.quality().ambassador());
            entry.put("knownForMs", Math.max(0, now - host.admittedAtMs()));
            entry.put("lastSeenAgoMs", Math.max(0, now - host.lastSeenMs()));
            return entry;
        }).toList();
    }

    /** How frames to each known host travel now; empty without the wider layer or if the node loop is slow. */
    private Map<PeerId, PathKind> paths() {
        try {
            return node.wider().isPresent()
                ? node.wider().get().paths().get(PATHS_WAIT_MS, TimeUnit.MILLISECONDS) : Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        } catch (ExecutionException | TimeoutException e) {
            return Map.of();
        }
    }

    private Object traffic() {
        Map<String, Object> routes = new java.util.TreeMap<>();
        for (Map.Entry<String, RouteTraffic> route : node.stats().sentByRoute().entrySet()) {
            RouteTraffic t = route.getValue();
            routes.put(route.getKey(), Map.of("requests", t.requests(), "replies", t.replies(),
                "requestBytes", t.requestBytes(), "replyBytes", t.replyBytes()));
        }
        return Map.of("uptimeMs", node.knownHosts().quality().uptimeMs(), "routes", routes);
    }

    private void content(HttpExchange exchange, String method, String idText) throws IOException {
        ContentId id;
        try {
            id = ContentId.parse(idText);
        } catch (IllegalArgumentException e) {
            answer(exchange, 400, error(e.getMessage()));
            return;
        }
        switch (method) {
            case "GET" -> get(exchange, id);
            case "PUT" -> put(exchange, id);
            case "DELETE" -> delete(exchange, id);
            default -> answer(exchange, 405, error("content/ID takes GET, PUT or DELETE"));
        }
    }

    /** Streams the content out as it arrives, a few chunks in memory at a time; the status waits for the first byte. */
    private void get(HttpExchange exchange, ContentId id) throws IOException {
        if (noStorage(exchange)) {
            return;
        }
        StartOnFirstWrite body = new StartOnFirstWrite(exchange);
        try {
            node.storage().getStream(id, body, STREAMED_READS);
        } catch (RuntimeException e) {
            if (body.started()) {
                throw new IOException("content " + id + " failed midway: " + e.getMessage(), e);
            }
            StorageFailure failure = StorageFailure.of(e);
            answer(exchange, failure.status, error(failure.getMessage()));
            return;
        }
        body.finish();
    }

    /** Stores the request body as it arrives (a new content, or the next version of {@code previous}). */
    private void put(HttpExchange exchange, ContentId previous) throws IOException {
        if (noStorage(exchange)) {
            return;
        }
        CountingInputStream body = new CountingInputStream(exchange.getRequestBody());
        try {
            ContentId id = previous == null ? node.storage().putStream(body) : node.storage().updateStream(previous, body);
            answer(exchange, previous == null ? 201 : 200, Map.of("id", id.toString(), "bytes", body.count()));
        } catch (RuntimeException e) {
            StorageFailure failure = StorageFailure.of(e);
            answer(exchange, failure.status, error(failure.getMessage()));
        }
    }

    private void delete(HttpExchange exchange, ContentId id) throws IOException {
        if (noStorage(exchange)) {
            return;
        }
        try {
            await(node.storage().delete(id));
            answer(exchange, 200, Map.of("id", id.toString(), "deleted", true));
        } catch (StorageFailure failure) {
            answer(exchange, failure.status, error(failure.getMessage()));
        }
    }

    private boolean noStorage(HttpExchange exchange) throws IOException {
        if (node.config().storage() == null) {
            answer(exchange, 503, error("this node runs without storage (--no-storage)"));
            return true;
        }
        return false;
    }


    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws StorageFailure {
        try {
            return future.get(STORAGE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageFailure(503, "the node is shutting down");
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StorageFailure(504, "no answer from the network within " + STORAGE_TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            throw StorageFailure.of(e.getCause());
        }
    }

    private boolean authorized(HttpExchange exchange) {
        if (config.token() == null) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String query = exchange.getRequestURI().getRawQuery();
        if (header == null && query != null && query.startsWith(TOKEN_PARAMETER)) {
            header = "Bearer " + java.net.URLDecoder.decode(query.substring(TOKEN_PARAMETER.length()), StandardCharsets.UTF_8);
        }
        byte[] given = (header == null ? "" : header).getBytes(StandardCharsets.UTF_8);
        byte[] expected = ("Bearer " + config.token()).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected);
    }

    private void answer(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] json = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, json.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(json);
        }
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message);
    }

    /** A storage operation's failure, with the HTTP status that says what kind it was. */
    private static final class StorageFailure extends Exception {
        private final int status;

        StorageFailure(int status, String message) {
            super(message);
            this.status = status;
        }

        static StorageFailure of(Throwable cause) {
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return switch (cause) {
                case StorageException.ContentNotFoundException e -> new StorageFailure(404, message);
                case StorageException.ContentDeletedException e -> new StorageFailure(410, message);
                case StorageException.InsufficientReplicasException e -> new StorageFailure(503, message);
                case StorageException.MutationRejectedException e -> new StorageFailure(409, message);
                case IllegalArgumentException e -> new StorageFailure(400, message);
                default -> new StorageFailure(502, message);
            };
        }
    }
}
