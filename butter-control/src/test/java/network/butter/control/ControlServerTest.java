package network.butter.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import network.butter.persist.GetOptions;
import network.butter.persist.PcgConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The control API of real nodes on loopback, driven over HTTP as the {@code butter} command and scripts drive it. */
class ControlServerTest {

    private static final Duration FORMING = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<ButterNode> nodes = new ArrayList<>();
    private final List<ControlServer> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        servers.forEach(ControlServer::close);
        nodes.forEach(ButterNode::close);
        http.close();
    }

    @Test
    void shouldPutReadAndDeleteContentAndReportTheNodeThroughTheApi() throws Exception {
        List<ButterNode> network = network(3);
        ControlServer api = serve(network.getFirst(), new ControlConfig("127.0.0.1", 0, null));
        await().atMost(FORMING).until(() -> network.getFirst().knownHosts().hosts().size() == 2);
        byte[] content = new byte[200_000];
        new SplittableRandom(3).nextBytes(content);

        HttpResponse<String> put = send(api, "POST", "content", content, null);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        String id = JSON.readTree(put.body()).get("id").asString();
        HttpResponse<byte[]> get = http.send(request(api, "GET", "content/" + id, null, null).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(content);

        JsonNode status = JSON.readTree(send(api, "GET", "status", null, null).body());
        assertThat(status.get("id").asString()).isEqualTo(network.getFirst().id().toString());
        assertThat(status.get("knownHosts").asInt()).isEqualTo(2);
        assertThat(status.get("storage").get("groups").get("cold").asInt() + status.get("storage").get("groups")
            .get("goldilocks").asInt() + status.get("storage").get("groups").get("hot").asInt())
            .as("the groups of the content's manifest and chunks: %s", status).isPositive();
        assertThat(JSON.readTree(send(api, "GET", "hosts", null, null).body())).hasSize(2);
        assertThat(JSON.readTree(send(api, "GET", "traffic", null, null).body()).get("routes").has("butter/pcg/store"))
            .isTrue();

        assertThat(send(api, "DELETE", "content/" + id, null, null).statusCode()).isEqualTo(200);
        assertThat(send(api, "GET", "content/" + id, null, null).statusCode()).isEqualTo(410);
    }

    @Test
    void shouldStreamContentSeveralTimesTheNodesInMemoryLimitThroughTheApi() throws Exception {
        List<ButterNode> network = network(3);
        ButterNode small = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).memoryBudgetBytes(32L << 20)
            .bootstrap(network.getFirst().address().hostPort())).start();
        nodes.add(small);
        ControlServer api = serve(small, new ControlConfig("127.0.0.1", 0, null));
        await().atMost(FORMING).until(() -> small.knownHosts().hosts().size() == 3);
        long inMemoryLimit = GetOptions.forMemoryBudget(small.config().memoryBudgetBytes()).maxContentBytes();
        byte[] content = new byte[(int) (3 * inMemoryLimit)];
        new SplittableRandom(5).nextBytes(content);

        HttpResponse<String> put = send(api, "POST", "content", content, null);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        String id = JSON.readTree(put.body()).get("id").asString();
        HttpResponse<byte[]> get = http.send(request(api, "GET", "content/" + id, null, null).build(),
            HttpResponse.BodyHandlers.ofByteArray());

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(content);
        assertThat(small.storage().put(content).get(60, java.util.concurrent.TimeUnit.SECONDS).toString())
            .as("a byte-array put of the same content by the same owner makes the same blocks").isEqualTo(id);
    }

    @Test
    void shouldStreamAnUpdateSeveralTimesTheNodesInMemoryLimitThroughTheApi() throws Exception {
        List<ButterNode> network = network(3);
        ButterNode small = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).memoryBudgetBytes(32L << 20)
            .bootstrap(network.getFirst().address().hostPort())).start();
        nodes.add(small);
        ControlServer api = serve(small, new ControlConfig("127.0.0.1", 0, null));
        await().atMost(FORMING).until(() -> small.knownHosts().hosts().size() == 3);
        HttpResponse<String> put = send(api, "POST", "content", "first version".getBytes(), null);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        String first = JSON.readTree(put.body()).get("id").asString();
        long inMemoryLimit = GetOptions.forMemoryBudget(small.config().memoryBudgetBytes()).maxContentBytes();
        byte[] next = new byte[(int) (3 * inMemoryLimit)];
        new SplittableRandom(7).nextBytes(next);

        HttpResponse<String> update = send(api, "PUT", "content/" + first, next, null);

        assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
        HttpResponse<byte[]> get = http.send(request(api, "GET", "content/" + first, null, null).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).as("readers of the old id get the new version").isEqualTo(next);
        assertThat(JSON.readTree(update.body()).get("id").asString()).isNotEqualTo(first);
    }

    @Test
    void shouldAnswerBadInputWithASpecificErrorAndStatus() throws Exception {
        ButterNode node = network(1).getFirst();
        ControlServer api = serve(node, new ControlConfig("127.0.0.1", 0, null));

        HttpResponse<String> badId = send(api, "GET", "content/not-an-id", null, null);
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badId.body()).get("error").asString()).contains("content id");
        assertThat(send(api, "GET", "nothing-here", null, null).statusCode()).isEqualTo(404);
        assertThat(send(api, "POST", "status", new byte[1], null).statusCode()).isEqualTo(405);
    }

    @Test
    void shouldRequireTheTokenWhenOneIsSet() throws Exception {
        ControlServer api = serve(network(1).getFirst(), new ControlConfig("127.0.0.1", 0, "0123456789abcdef-token"));

        assertThat(send(api, "GET", "status", null, null).statusCode()).isEqualTo(401);
        assertThat(send(api, "GET", "status", null, "wrong-token-0123456789").statusCode()).isEqualTo(401);
        assertThat(send(api, "GET", "status", null, "0123456789abcdef-token").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldStreamTicksAndEachNewlyKnownHostAsServerSentEvents() throws Exception {
        ButterNode node = network(1).getFirst();
        ControlServer api = serve(node, new ControlConfig("127.0.0.1", 0, null));
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpResponse<java.util.stream.Stream<String>> stream = http.send(request(api, "GET", "events", null, null).build(),
            HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        Thread reader = Thread.ofVirtual().start(() -> stream.body().forEach(lines::add));
        try {
            await().atMost(FORMING).until(() -> lines.contains("event: tick"));
            ButterNode newcomer = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).bootstrap(node.address().hostPort())).start();
            nodes.add(newcomer);

            await().atMost(FORMING).until(() -> lines.contains("event: host"));
            assertThat(lines).anyMatch(line -> line.startsWith("data: ") && line.contains(newcomer.id().toString()));
        } finally {
            reader.interrupt();
        }
    }

    @Test
    void shouldServeTheDashboardPage() throws Exception {
        ControlServer api = serve(network(1).getFirst(), new ControlConfig("127.0.0.1", 0, null));
        URI root = URI.create("http://127.0.0.1:" + api.address().getPort() + "/");

        HttpResponse<String> page = http.send(HttpRequest.newBuilder(root).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>Butter node</title>", "EventSource");
    }

    @Test
    void shouldRefuseToListenBeyondLoopbackWithoutAToken() {
        assertThatThrownBy(() -> new ControlConfig("0.0.0.0", 7080, null)).hasMessageContaining("without an access token");
        assertThatThrownBy(() -> new ControlConfig("127.0.0.1", 7080, "short")).hasMessageContaining("at least 16");
        assertThat(new ControlConfig("0.0.0.0", 7080, "0123456789abcdef-token").host()).isEqualTo("0.0.0.0");
    }

    @Test
    void shouldReportTheNodesReachabilityOrOffWithoutAWiderLayer() throws Exception {
        ButterNode plain = Butter.node(cfg -> cfg.host("127.0.0.1").port(0)).start();
        nodes.add(plain);
        ButterNode wide = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).wider(true)).start();
        nodes.add(wide);

        JsonNode off = JSON.readTree(send(serve(plain, new ControlConfig("127.0.0.1", 0, null)), "GET", "status", null,
            null).body());
        JsonNode unknown = JSON.readTree(send(serve(wide, new ControlConfig("127.0.0.1", 0, null)), "GET", "status",
            null, null).body());

        assertThat(off.get("reachability").asString()).as("a loopback node has no wider layer").isEqualTo("off");
        assertThat(unknown.get("reachability").asString()).as("no peer has dialled it back yet").isEqualTo("unknown");
    }

    @Test
    void shouldGiveThePathToEachKnownHostInTheHostsList() throws Exception {
        ButterNode first = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).wider(true)).start();
        nodes.add(first);
        ButterNode second = Butter.node(cfg -> cfg.host("127.0.0.1").port(0).wider(true)
            .bootstrap(first.address().hostPort())).start();
        nodes.add(second);
        await().atMost(FORMING).until(() -> second.knownHosts().hosts().size() == 1);

        JsonNode hosts = JSON.readTree(send(serve(second, new ControlConfig("127.0.0.1", 0, null)), "GET", "hosts", null,
            null).body());

        assertThat(hosts).hasSize(1);
        assertThat(hosts.get(0).get("path").asString()).as("dialled on loopback: %s", hosts).isEqualTo("direct");
    }

    private List<ButterNode> network(int size) {
        List<ButterNode> network = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ButterNode first = network.isEmpty() ? null : network.getFirst();
            ButterNode node = Butter.node(cfg -> {
                cfg.host("127.0.0.1").port(0).storageProtocol(PcgConfig.defaults().withReplication(Math.min(3, size)));
                if (first != null) {
                    cfg.bootstrap(first.address().hostPort());
                }
            }).start();
            nodes.add(node);
            network.add(node);
        }
        return network;
    }

    private ControlServer serve(ButterNode node, ControlConfig config) {
        ControlServer server = ControlServer.start(node, config);
        servers.add(server);
        return server;
    }

    private HttpResponse<String> send(ControlServer api, String method, String path, byte[] body, String token)
        throws Exception {
        return http.send(request(api, method, path, body, token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(ControlServer api, String method, String path, byte[] body, String token) {
        URI uri = URI.create("http://127.0.0.1:" + api.address().getPort() + ControlServer.PREFIX + path);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }
}
