package network.butter.node.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import network.butter.identity.HostPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The UPnP SOAP calls against a fake router control endpoint on loopback: conflicts, permanent leases, bad answers. */
class UpnpGatewayTest {

    private static final String SERVICE = "urn:schemas-upnp-org:service:WANIPConnection:1";

    private HttpServer router;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile Function<String, Answer> answers = call -> Answer.ok("");
    private UpnpGateway gateway;

    private record Answer(int status, String body) {
        static Answer ok(String inner) {
            return new Answer(200, envelope(inner));
        }

        static Answer fault(int code, String description) {
            return new Answer(500, envelope("<s:Fault><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\">"
                + "<errorCode>" + code + "</errorCode><errorDescription>" + description + "</errorDescription>"
                + "</UPnPError></detail></s:Fault>"));
        }
    }

    @BeforeEach
    void startRouter() throws IOException {
        router = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        router.createContext("/ctl/IPConn", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String action = exchange.getRequestHeaders().getFirst("SOAPAction");
            String call = action.substring(action.indexOf('#') + 1, action.length() - 1) + " " + body;
            calls.add(call);
            Answer answer = answers.apply(call);
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        router.start();
        URI control = URI.create("http://127.0.0.1:" + router.getAddress().getPort() + "/ctl/IPConn");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        gateway = new UpnpGateway(http, new IgdService(SERVICE, control),
            (Inet4Address) InetAddress.getByName("10.0.1.11"), Duration.ofSeconds(5));
    }

    @AfterEach
    void stopRouter() {
        gateway.close();
        router.stop(0);
    }

    @Test
    void shouldMapTheExternalPortAskedForToThisHost() throws PortMappingException {
        answers = call -> call.startsWith("GetExternalIPAddress")
            ? Answer.ok("<NewExternalIPAddress>203.0.113.101</NewExternalIPAddress>") : Answer.ok("");

        Mapping mapping = gateway.map(7000, 7000, 3600);

        assertThat(mapping).isEqualTo(new Mapping(new HostPort("203.0.113.101", 7000), 7000, MappingMethod.UPNP, 3600));
        assertThat(calls.get(1)).startsWith("AddPortMapping ").contains("<NewExternalPort>7000</NewExternalPort>",
            "<NewInternalClient>10.0.1.11</NewInternalClient>", "<NewLeaseDuration>3600</NewLeaseDuration>",
            "<NewProtocol>TCP</NewProtocol>");
    }

    @Test
    void shouldTakeTheNextExternalPortWhenAnotherHostHoldsIt() throws PortMappingException {
        answers = call -> call.startsWith("GetExternalIPAddress")
            ? Answer.ok("<NewExternalIPAddress>203.0.113.101</NewExternalIPAddress>")
            : call.contains("<NewExternalPort>7002</NewExternalPort>") ? Answer.ok("")
            : Answer.fault(718, "ConflictInMappingEntry");

        assertThat(gateway.map(7000, 7000, 3600).external()).isEqualTo(new HostPort("203.0.113.101", 7002));
    }

    @Test
    void shouldGiveUpAfterAFewTakenPortsNamingTheConflict() {
        answers = call -> call.startsWith("GetExternalIPAddress")
            ? Answer.ok("<NewExternalIPAddress>203.0.113.101</NewExternalIPAddress>")
            : Answer.fault(718, "ConflictInMappingEntry");

        assertThatThrownBy(() -> gateway.map(7000, 7000, 3600))
            .hasMessage("UPnP AddPortMapping: HTTP 500, error 718 (ConflictInMappingEntry)");
        assertThat(calls).filteredOn(call -> call.startsWith("AddPortMapping")).hasSize(UpnpGateway.PORT_ATTEMPTS);
    }

    @Test
    void shouldAskForAPermanentMappingWhereTheRouterGrantsNoLeases() throws PortMappingException {
        answers = call -> call.startsWith("GetExternalIPAddress")
            ? Answer.ok("<NewExternalIPAddress>203.0.113.101</NewExternalIPAddress>")
            : call.contains("<NewLeaseDuration>0</NewLeaseDuration>") ? Answer.ok("")
            : Answer.fault(725, "OnlyPermanentLeasesSupported");

        assertThat(gateway.map(7000, 7000, 3600).leaseSeconds()).isZero();
    }

    @Test
    void shouldRefuseARouterThatNamesNoIpv4ExternalAddress() {
        answers = call -> Answer.ok("<NewExternalIPAddress>gateway.example</NewExternalIPAddress>");

        assertThatThrownBy(() -> gateway.map(7000, 7000, 3600))
            .hasMessage("UPnP: the router names no IPv4 external address");
        assertThat(calls).noneMatch(call -> call.startsWith("AddPortMapping"));
    }

    private static String envelope(String inner) {
        return "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
            + "<s:Body><u:Answer xmlns:u=\"" + SERVICE + "\">" + inner + "</u:Answer></s:Body></s:Envelope>";
    }
}
