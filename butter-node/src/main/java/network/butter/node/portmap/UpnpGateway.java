package network.butter.node.portmap;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import network.butter.identity.HostPort;

/**
 * UPnP Internet Gateway Device client: finds the router by SSDP (an M-SEARCH multicast on the default route's interface
 * only), reads its device description, and calls its WANIPConnection (or WANPPPConnection) service by SOAP:
 * GetExternalIPAddress, AddPortMapping, DeletePortMapping. When another host of the LAN holds the external port asked
 * for, the next ones are tried ({@value #PORT_ATTEMPTS} in all). Written on the JDK (HttpClient and its XML parser with
 * DTDs and external entities off) because the Java UPnP libraries are either unmaintained (weupnp, last release 2013)
 * or full UPnP stacks far heavier than these three calls (jUPnP).
 *
 * <p>The router is a stranger on the LAN: its description and control URLs must point at the address the SSDP
 * answer came from, every reply is read up to {@link #MAX_BODY_BYTES}, and every step has a time limit.
 */
final class UpnpGateway implements Gateway {

    static final InetSocketAddress SSDP_GROUP = new InetSocketAddress("239.255.255.250", 1900);
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final String SEARCH_TARGET = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";
    private static final String DESCRIPTION = "butter";
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1?\\d?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    /** UPnP error: the external port is mapped to another host already. */
    private static final int CONFLICT_IN_MAPPING_ENTRY = 718;
    /** UPnP error: this router grants only mappings without a lease, kept until removed. */
    private static final int ONLY_PERMANENT_LEASES = 725;
    /** External ports tried, from the one asked for upwards, when others hold them. */
    static final int PORT_ATTEMPTS = 8;

    private final HttpClient http;
    private final IgdService service;
    private final Inet4Address localAddress;
    private final Duration requestTimeout;

    UpnpGateway(HttpClient http, IgdService service, Inet4Address localAddress, Duration requestTimeout) {
        this.http = http;
        this.service = service;
        this.localAddress = localAddress;
        this.requestTimeout = requestTimeout;
    }

    /**
     * Searches for an Internet Gateway Device on one interface and reads its description.
     *
     * @param networkInterface the interface of the default route: the search goes out there only
     * @param localAddress     this machine's address on it, which the search is sent from
     * @param searchTimeoutMs  how long to wait for a usable answer
     * @throws PortMappingException if none answers in time, or no answer leads to a WAN connection service
     */
    static UpnpGateway discover(NetworkInterface networkInterface, Inet4Address localAddress, long searchTimeoutMs,
                                Duration requestTimeout) throws PortMappingException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(requestTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
        String lastProblem = "no device answered";
        byte[] search = ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
            + "ST: " + SEARCH_TARGET + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(localAddress, 0))) {
            socket.setOption(StandardSocketOptions.IP_MULTICAST_IF, networkInterface);
            socket.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 2);
            socket.send(new DatagramPacket(search, search.length, SSDP_GROUP));
            long deadline = System.nanoTime() + searchTimeoutMs * 1_000_000;
            byte[] buffer = new byte[2048];
            while (true) {
                long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    throw new PortMappingException("UPnP: no Internet Gateway Device on " + networkInterface.getName()
                        + " within " + searchTimeoutMs + " ms (" + lastProblem + ")");
                }
                socket.setSoTimeout((int) leftMs);
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                String responder = packet.getAddress().getHostAddress();
                String answer = new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII);
                try {
                    URI location = location(answer, responder);
                    IgdService service = IgdService.fromDescription(get(http, location, requestTimeout), location);
                    return new UpnpGateway(http, service, localAddress, requestTimeout);
                } catch (PortMappingException e) {
                    lastProblem = responder + ": " + e.getMessage();
                }
            }
        } catch (IOException e) {
            http.shutdownNow();
            throw new PortMappingException("UPnP: cannot search on " + networkInterface.getName() + ": "
                + e.getMessage(), e);
        } catch (PortMappingException | RuntimeException e) {
            http.shutdownNow();
            throw e;
        }
    }

    /** The description URL of an SSDP answer, which must be plain HTTP on the responder's own address. */
    static URI location(String ssdpAnswer, String responder) throws PortMappingException {
        Optional<String> location = ssdpAnswer.lines()
            .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("location:"))
            .map(line -> line.substring("location:".length()).strip())
            .findFirst();
        if (location.isEmpty()) {
            throw new PortMappingException("SSDP answer without LOCATION");
        }
        URI uri;
        try {
            uri = URI.create(location.get());
        } catch (IllegalArgumentException e) {
            throw new PortMappingException("SSDP LOCATION is not a URL: " + location.get(), e);
        }
        IgdService.checkSameHost(uri, responder);
        return uri;
    }

    @Override
    public MappingMethod method() {
        return MappingMethod.UPNP;
    }

    /** Stops the HTTP client's threads at once: nothing is in flight once the mapper lets go of this gateway. */
    @Override
    public void close() {
        http.shutdownNow();
    }

    @Override
    public Mapping map(int internalPort, int externalPort, long leaseSeconds) throws PortMappingException {
        String externalAddress = IgdService.element(call("GetExternalIPAddress", ""), "NewExternalIPAddress")
            .filter(address -> IPV4.matcher(address).matches())
            .orElseThrow(() -> new PortMappingException("UPnP: the router names no IPv4 external address"));
        String internalClient = localAddress.getHostAddress();
        long lease = leaseSeconds;
        int port = externalPort;
        for (int attempt = 1; ; attempt++) {
            try {
                addPortMapping(internalPort, port, internalClient, lease);
                return new Mapping(new HostPort(externalAddress, port), internalPort, method(), lease);
            } catch (SoapFault fault) {
                if (fault.code() == ONLY_PERMANENT_LEASES && lease != 0) {
                    lease = 0;
                } else if (fault.code() == CONFLICT_IN_MAPPING_ENTRY && attempt < PORT_ATTEMPTS) {
                    // Another host holds this external port: try the next one (a renewal keeps the one granted).
                    port = port == 65_535 ? 1024 : port + 1;
                } else {
                    throw fault;
                }
            }
        }
    }

    private void addPortMapping(int internalPort, int externalPort, String internalClient, long leaseSeconds)
        throws PortMappingException {
        call("AddPortMapping", "<NewRemoteHost></NewRemoteHost>"
            + "<NewExternalPort>" + externalPort + "</NewExternalPort>"
            + "<NewProtocol>TCP</NewProtocol>"
            + "<NewInternalPort>" + internalPort + "</NewInternalPort>"
            + "<NewInternalClient>" + internalClient + "</NewInternalClient>"
            + "<NewEnabled>1</NewEnabled>"
            + "<NewPortMappingDescription>" + DESCRIPTION + "</NewPortMappingDescription>"
            + "<NewLeaseDuration>" + leaseSeconds + "</NewLeaseDuration>");
    }

    @Override
    public void unmap(Mapping mapping) throws PortMappingException {
        call("DeletePortMapping", "<NewRemoteHost></NewRemoteHost>"
            + "<NewExternalPort>" + mapping.external().port() + "</NewExternalPort>"
            + "<NewProtocol>TCP</NewProtocol>");
    }

    private String call(String action, String arguments) throws PortMappingException {
        String body = "<?xml version=\"1.0\"?>\r\n"
            + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
            + "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>"
            + "<u:" + action + " xmlns:u=\"" + service.serviceType() + "\">" + arguments + "</u:" + action + ">"
            + "</s:Body></s:Envelope>\r\n";
        HttpRequest request = HttpRequest.newBuilder(service.controlUrl())
            .timeout(requestTimeout)
            .header("Content-Type", "text/xml; charset=\"utf-8\"")
            .header("SOAPAction", "\"" + service.serviceType() + "#" + action + "\"")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
        HttpResponse<InputStream> response = send(http, request, "UPnP " + action);
        String text = readBounded(response, "UPnP " + action);
        if (response.statusCode() != 200) {
            throw SoapFault.from(action, response.statusCode(), text);
        }
        return text;
    }

    private static String get(HttpClient http, URI location, Duration timeout) throws PortMappingException {
        HttpRequest request = HttpRequest.newBuilder(location).timeout(timeout).GET().build();
        HttpResponse<InputStream> response = send(http, request, "UPnP description");
        String text = readBounded(response, "UPnP description");
        if (response.statusCode() != 200) {
            throw new PortMappingException("UPnP description " + location + ": HTTP " + response.statusCode());
        }
        return text;
    }

    private static HttpResponse<InputStream> send(HttpClient http, HttpRequest request, String what)
        throws PortMappingException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new PortMappingException(what + ": " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortMappingException(what + ": interrupted", e);
        }
    }

    private static String readBounded(HttpResponse<InputStream> response, String what)
        throws PortMappingException {
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new PortMappingException(what + ": reply longer than " + MAX_BODY_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PortMappingException(what + ": reply unreadable: " + e.getMessage(), e);
        }
    }

    /** A SOAP fault of the router: its UPnP error code and description. */
    static final class SoapFault extends PortMappingException {
        private static final long serialVersionUID = 1L;
        private final int code;

        private SoapFault(String message, int code) {
            super(message);
            this.code = code;
        }

        /** The UPnP error code, e.g. 718 ConflictInMappingEntry, or -1 if the reply named none. */
        int code() {
            return code;
        }

        static SoapFault from(String action, int status, String reply) {
            int code = IgdService.element(reply, "errorCode").map(text -> {
                try {
                    return Integer.parseInt(text.strip());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }).orElse(-1);
            String description = IgdService.element(reply, "errorDescription").orElse("no description");
            return new SoapFault("UPnP " + action + ": HTTP " + status + ", error " + code + " (" + description + ")",
                code);
        }
    }
}
