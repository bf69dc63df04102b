package network.butter.node.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;
import network.butter.identity.HostPort;
import org.junit.jupiter.api.Test;

/**
 * The pure parts of the port-mapping client: PCP and NAT-PMP messages, routes, SSDP answers, IGD descriptions, SOAP
 * faults.
 */
class PortMapCodecTest {

    private static final URI LOCATION = URI.create("http://10.0.1.1:43133/rootDesc.xml");

    @Test
    void shouldEncodeATcpMapRequestAsRfc6886Lays() {
        byte[] request = NatPmpGateway.mapRequest(7000, 7001, 3600);

        assertThat(request).containsExactly(0, 2, 0, 0, 0x1B, 0x58, 0x1B, 0x59, 0, 0, 0x0E, 0x10);
    }

    @Test
    void shouldNameTheResultCodeWhenTheGatewayRefusesAMapping() {
        byte[] refused = ByteBuffer.allocate(16).put((byte) 0).put((byte) 130).putShort((short) 2).array();

        assertThatThrownBy(() -> NatPmpGateway.checkResponse(refused, refused.length, 2, 16))
            .isInstanceOf(PortMappingException.class).hasMessage("NAT-PMP: refused, result 2 (not authorized)");
    }

    @Test
    void shouldRefuseATruncatedOrMismatchedNatPmpResponse() {
        byte[] addressAnswer = ByteBuffer.allocate(12).put((byte) 0).put((byte) 128).array();

        assertThatThrownBy(() -> NatPmpGateway.checkResponse(addressAnswer, 8, 0, 12))
            .hasMessage("NAT-PMP: response of 8 bytes, expected 12");
        assertThatThrownBy(() -> NatPmpGateway.checkResponse(addressAnswer, 12, 2, 12))
            .hasMessage("NAT-PMP: response opcode 128, expected 130");
    }

    @Test
    void shouldLayOutAPcpMapRequestAsRfc6887Says() throws Exception {
        byte[] nonce = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        Inet4Address client = (Inet4Address) InetAddress.getByName("10.0.1.11");

        ByteBuffer request = ByteBuffer.wrap(PcpGateway.mapRequest(client, nonce, 7000, 7001, 3600));

        assertThat(request.remaining()).isEqualTo(60);
        assertThat(request.get(0)).as("version").isEqualTo((byte) 2);
        assertThat(request.get(1)).as("opcode MAP").isEqualTo((byte) 1);
        assertThat(request.getInt(4)).as("lifetime").isEqualTo(3600);
        assertThat(Arrays.copyOfRange(request.array(), 8, 24)).as("client, IPv4-mapped")
            .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 0, 1, 11);
        assertThat(Arrays.copyOfRange(request.array(), 24, 36)).as("nonce").isEqualTo(nonce);
        assertThat(request.get(36)).as("protocol TCP").isEqualTo((byte) 6);
        assertThat(request.getShort(40)).as("internal port").isEqualTo((short) 7000);
        assertThat(request.getShort(42)).as("suggested external port").isEqualTo((short) 7001);
        assertThat(Arrays.copyOfRange(request.array(), 44, 60)).as("no external address preferred")
            .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0);
    }

    @Test
    void shouldReadTheMappingAPcpGatewayGrants() throws PortMappingException {
        byte[] nonce = new byte[12];
        byte[] answer = pcpAnswer(nonce, 0, 7000, 40_000);

        ByteBuffer checked = PcpGateway.checkResponse(answer, answer.length, nonce, 7000);

        assertThat(PcpGateway.grantedMapping(checked, 7000))
            .isEqualTo(new Mapping(new HostPort("203.0.113.101", 40_000), 7000, MappingMethod.PCP, 120));
    }

    @Test
    void shouldRefuseAPcpAnswerToAnotherRequestOrARefusal() {
        byte[] nonce = new byte[12];
        byte[] otherNonce = pcpAnswer(new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}, 0, 7000, 7000);
        byte[] refusal = pcpAnswer(nonce, 2, 7000, 7000);

        assertThatThrownBy(() -> PcpGateway.checkResponse(otherNonce, otherNonce.length, nonce, 7000))
            .hasMessage("PCP: the answer is for another mapping (nonce, protocol or port)");
        assertThatThrownBy(() -> PcpGateway.checkResponse(refusal, refusal.length, nonce, 7000))
            .hasMessage("PCP: refused, result 2 (not authorized)");
    }

    @Test
    void shouldTellAGatewayThatSpeaksOnlyNatPmpByTheVersionOfItsAnswer() {
        byte[] unsupportedVersion = {0, (byte) 129, 0, 1, 0, 0, 0, 1};

        assertThatThrownBy(() -> PcpGateway.checkResponse(unsupportedVersion, 8, new byte[12], 7000))
            .hasMessage("PCP: the gateway speaks only NAT-PMP (version 0)");
    }

    /** A PCP MAP response granting 203.0.113.101:{@code externalPort} for 120 s, or refusing with {@code result}. */
    static byte[] pcpAnswer(byte[] nonce, int result, int internalPort, int externalPort) {
        return ByteBuffer.allocate(60).put((byte) 2).put((byte) 0x81).put((byte) 0).put((byte) result).putInt(120)
            .putInt(1).put(new byte[12]).put(nonce).put((byte) 6).put(new byte[3])
            .putShort((short) internalPort).putShort((short) externalPort)
            .put(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 203, 0, 113, 101})
            .array();
    }

    @Test
    void shouldFindTheDefaultRouteAndItsLittleEndianGatewayInProcNetRoute() {
        String table = """
            Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
            eth0\t0001000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
            eth0\t00000000\t0101000A\t0003\t0\t0\t0\t00000000\t0\t0\t0
            """;

        DefaultRoute route = DefaultRoute.parse(table).orElseThrow();

        assertThat(route.interfaceName()).isEqualTo("eth0");
        assertThat(route.gateway().getHostAddress()).isEqualTo("10.0.1.1");
        assertThat(DefaultRoute.parse(table.lines().limit(2).reduce("", (a, b) -> a + b + "\n"))).isEmpty();
    }

    @Test
    void shouldTakeTheLocationOfAnSsdpAnswerOnlyOnTheResponder() throws PortMappingException {
        String answer = "HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
            + "Location: http://10.0.1.1:43133/rootDesc.xml\r\n\r\n";

        assertThat(UpnpGateway.location(answer, "10.0.1.1")).isEqualTo(LOCATION);
        assertThatThrownBy(() -> UpnpGateway.location(answer, "10.0.1.66"))
            .hasMessageContaining("is not plain HTTP on 10.0.1.66");
        assertThatThrownBy(() -> UpnpGateway.location("HTTP/1.1 200 OK\r\n\r\n", "10.0.1.1"))
            .hasMessage("SSDP answer without LOCATION");
    }

    @Test
    void shouldPickTheWanIpConnectionOfADescriptionAndResolveItsControlUrl() throws PortMappingException {
        IgdService service = IgdService.fromDescription(description("/ctl/IPConn"), LOCATION);

        assertThat(service.serviceType()).isEqualTo("urn:schemas-upnp-org:service:WANIPConnection:1");
        assertThat(service.controlUrl()).isEqualTo(URI.create("http://10.0.1.1:43133/ctl/IPConn"));
    }

    @Test
    void shouldRefuseAControlUrlThatSendsTheClientToAnotherHost() {
        assertThatThrownBy(() -> IgdService.fromDescription(description("http://192.0.2.7/steal"), LOCATION))
            .hasMessageContaining("is not plain HTTP on 10.0.1.1");
    }

    @Test
    void shouldRefuseADescriptionWithADoctypeSoNoEntityIsEverExpanded() {
        String hostile = "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + "<root><URLBase>&x;</URLBase></root>";

        assertThatThrownBy(() -> IgdService.fromDescription(hostile, LOCATION))
            .isInstanceOf(PortMappingException.class).hasMessageContaining("unreadable XML");
    }

    @Test
    void shouldReadTheUpnpErrorOfASoapFault() {
        String fault = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>"
            + "<detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>718</errorCode>"
            + "<errorDescription>ConflictInMappingEntry</errorDescription></UPnPError></detail>"
            + "</s:Fault></s:Body></s:Envelope>";

        UpnpGateway.SoapFault read = UpnpGateway.SoapFault.from("AddPortMapping", 500, fault);

        assertThat(read.code()).isEqualTo(718);
        assertThat(read).hasMessage("UPnP AddPortMapping: HTTP 500, error 718 (ConflictInMappingEntry)");
    }

    private static String description(String controlUrl) {
        return """
            <?xml version="1.0"?>
            <root xmlns="urn:schemas-upnp-org:device-1-0"><device>
              <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
              <serviceList><service>
                <serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType>
                <controlURL>/ctl/L3F</controlURL>
              </service></serviceList>
              <deviceList><device><deviceList><device><serviceList><service>
                <serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>
                <controlURL>%s</controlURL>
              </service></serviceList></device></deviceList></device></deviceList>
            </device></root>
            """.formatted(controlUrl).strip();
    }
}
