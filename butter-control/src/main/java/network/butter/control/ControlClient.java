package network.butter.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import network.butter.identity.HostPort;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to a running node's {@link ControlServer}: what the {@code butter} command's {@code status}, {@code put},
 * {@code get}, {@code update} and {@code delete} use. Every failure is a {@link ControlException} whose kind says
 * what to do about it (start a node, check the id, retry later).
 */
public final class ControlClient implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(ControlServer.STORAGE_TIMEOUT_SECONDS + 10);

    private final HostPort api;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    /**
     * @param api   where the node's API listens, e.g. {@code 127.0.0.1:7080}
     * @param token the access token, or null when the API needs none
     */
    public ControlClient(HostPort api, String token) {
        this.api = api;
        this.token = token;
    }

    /** The node's status as JSON. */
    public JsonNode status() throws ControlException {
        return json(call("GET", "status", null));
    }

    /** Stores {@code content}; returns the content id. */
    public String put(byte[] content) throws ControlException {
        return json(call("POST", "content", content)).get("id").asString();
    }

    /**
     * Stores what {@code content} yields to its end, streamed: neither this process nor the node holds it whole.
     *
     * @return the content id
     */
    public String put(InputStream content) throws ControlException {
        // No request timeout: the node answers only once the whole stream is stored, however long that takes.
        HttpRequest request = builder("POST", "content", null).POST(HttpRequest.BodyPublishers.ofInputStream(() -> content))
            .build();
        HttpResponse<byte[]> response = send(request, HttpResponse.BodyHandlers.ofByteArray());
        return json(checked(response, response.body())).get("id").asString();
    }

    /**
     * Reads content by id into {@code out}, streamed.
     *
     * @return how many bytes were written
     */
    public long get(String id, OutputStream out) throws ControlException, IOException {
        HttpResponse<InputStream> response = send(builder("GET", "content/" + id, REQUEST_TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() / 100 != 2) {
                checked(response, body.readNBytes(64 * 1024));
            }
            return body.transferTo(out);
        }
    }

    /**
     * Stores what {@code content} yields to its end as the next version of {@code id}, streamed as {@link #put(InputStream)}
     * is; returns the new content id.
     */
    public String update(String id, InputStream content) throws ControlException {
        // No request timeout: the node answers only once the whole stream is stored, however long that takes.
        HttpRequest request = builder("PUT", "content/" + id, null)
            .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> content)).build();
        HttpResponse<byte[]> response = send(request, HttpResponse.BodyHandlers.ofByteArray());
        return json(checked(response, response.body())).get("id").asString();
    }

    /** Deletes content this node owns. */
    public void delete(String id) throws ControlException {
        call("DELETE", "content/" + id, null);
    }

    @Override
    public void close() {
        http.close();
    }

    private byte[] call(String method, String path, byte[] body) throws ControlException {
        HttpRequest request = builder(method, path, REQUEST_TIMEOUT)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        HttpResponse<byte[]> response = send(request, HttpResponse.BodyHandlers.ofByteArray());
        return checked(response, response.body());
    }

    /** A request to the API; {@code timeout} bounds the wait for the answer's status, null for none. */
    private HttpRequest.Builder builder(String method, String path, Duration timeout) {
        URI uri = URI.create("http://" + hostForUri() + ":" + api.port() + ControlServer.PREFIX + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (timeout != null) {
            request.timeout(timeout);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws ControlException {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new ControlException(ControlException.Kind.NO_NODE, "no Butter node answers at " + api
                + ": start one with 'butter node' (or point --api at the one you run)");
        } catch (IOException e) {
            throw new ControlException(ControlException.Kind.NO_NODE, "cannot talk to the node at " + api + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ControlException.Kind.FAILED, "interrupted");
        }
    }

    /** The body of a successful answer; a failure becomes the exception its status and error text say. */
    private static byte[] checked(HttpResponse<?> response, byte[] body) throws ControlException {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return body;
        }
        throw new ControlException(ControlException.Kind.ofStatus(status), errorText(status, body));
    }

    private String hostForUri() {
        return api.host().contains(":") ? "[" + api.host() + "]" : api.host();
    }

    private static String errorText(int status, byte[] body) {
        try {
            JsonNode error = JSON.readTree(body).get("error");
            if (error != null) {
                return error.asString();
            }
        } catch (JacksonException e) {
            // not one of ours: fall through to the status line
        }
        return "the node answered HTTP " + status;
    }

    private static JsonNode json(byte[] body) throws ControlException {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new ControlException(ControlException.Kind.FAILED, "the node's answer is not JSON: " + e.getOriginalMessage());
        }
    }
}
