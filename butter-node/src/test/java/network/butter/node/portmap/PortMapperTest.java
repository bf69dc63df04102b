package network.butter.node.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import network.butter.identity.HostPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The port mapper's life cycle against a fake NAT-PMP gateway on loopback: map, renew, remove on close, and a clear
 * reason (never an exception) when there is no mapping.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PortMapperTest {

    private static final String PUBLIC_ADDRESS = "198.51.100.7";

    private FakeNatPmpGateway gateway;
    private DefaultRoute loopbackRoute;

    @BeforeEach
    void startGateway() throws IOException {
        gateway = new FakeNatPmpGateway();
        loopbackRoute = new DefaultRoute("lo", (Inet4Address) InetAddress.getByName("127.0.0.1"));
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    @Test
    void shouldMapThePortRenewItBeforeItsLeaseEndsAndRemoveItOnClose() throws Exception {
        PortMapper mapper = new PortMapper(config(2), () -> Optional.of(loopbackRoute));
        List<Optional<HostPort>> changes = new CopyOnWriteArrayList<>();
        mapper.onChange(changes::add);

        Optional<Mapping> first = mapper.start(7000, InetAddress.getByName("0.0.0.0")).get();

        assertThat(first).contains(new Mapping(new HostPort(PUBLIC_ADDRESS, 7000), 7000, MappingMethod.NAT_PMP, 2));
        assertThat(mapper.mappedAddress()).contains(new HostPort(PUBLIC_ADDRESS, 7000));
        await().atMost(Duration.ofSeconds(10)).until(() -> mapper.renewals() >= 2);
        mapper.close();

        assertThat(gateway.mapRequests).as("lifetimes asked for: the mapping, two renewals, then the removal")
            .startsWith(2L, 2L, 2L).endsWith(0L);
        assertThat(mapper.mappedAddress()).isEmpty();
        assertThat(changes).containsExactly(Optional.of(new HostPort(PUBLIC_ADDRESS, 7000)), Optional.empty());
    }

    @Test
    void shouldTellListenersTheMappingIsLostWhenTheRouterRefusesToRenewIt() throws Exception {
        try (PortMapper mapper = new PortMapper(config(2), () -> Optional.of(loopbackRoute))) {
            List<Optional<HostPort>> changes = new CopyOnWriteArrayList<>();
            mapper.onChange(changes::add);
            assertThat(mapper.start(7000, InetAddress.getByName("0.0.0.0")).get()).isPresent();

            gateway.resultCode = 4;

            await().atMost(Duration.ofSeconds(10)).until(() -> changes.size() == 2);
            assertThat(changes).containsExactly(Optional.of(new HostPort(PUBLIC_ADDRESS, 7000)), Optional.empty());
            assertThat(mapper.mappedAddress()).isEmpty();
            // The listeners hear of the loss before the mapper tries again; the problem then names the new refusal.
            await().atMost(Duration.ofSeconds(10))
                .until(mapper::problem, problem -> problem.equals("NAT-PMP: refused, result 4 (out of resources)"));
        }
    }

    @Test
    void shouldMapByPcpAndRemoveTheMappingWithTheNonceThatMadeIt() throws Exception {
        gateway.speaksPcp = true;
        PortMapper mapper = new PortMapper(config(3600, MappingMethod.PCP, MappingMethod.NAT_PMP),
            () -> Optional.of(loopbackRoute));

        Optional<Mapping> first = mapper.start(7000, InetAddress.getByName("0.0.0.0")).get();
        mapper.close();

        assertThat(first).contains(new Mapping(new HostPort(PUBLIC_ADDRESS, 7000), 7000, MappingMethod.PCP, 3600));
        assertThat(gateway.mapRequests).containsExactly(3600L, 0L);
        assertThat(gateway.pcpNonces).as("one nonce for the mapping and its removal").hasSize(2)
            .allMatch(nonce -> nonce.equals(gateway.pcpNonces.getFirst()));
    }

    @Test
    void shouldAskByNatPmpWhereTheGatewaySpeaksOnlyNatPmp() throws Exception {
        try (PortMapper mapper = new PortMapper(config(3600, MappingMethod.PCP, MappingMethod.NAT_PMP),
            () -> Optional.of(loopbackRoute))) {
            Optional<Mapping> first = mapper.start(7000, InetAddress.getByName("0.0.0.0")).get();

            assertThat(first.map(Mapping::method)).contains(MappingMethod.NAT_PMP);
        }
    }

    @Test
    void shouldSayWhyWhenTheGatewayRefusesAndLeaveNothingToRemove() throws Exception {
        gateway.resultCode = 2;
        PortMapper mapper = new PortMapper(config(3600), () -> Optional.of(loopbackRoute));

        Optional<Mapping> first = mapper.start(7000, InetAddress.getByName("0.0.0.0")).get();
        mapper.close();

        assertThat(first).isEmpty();
        assertThat(mapper.problem()).isEqualTo("NAT-PMP: refused, result 2 (not authorized)");
        assertThat(gateway.mapRequests).containsExactly(3600L);
    }

    @Test
    void shouldSayThereIsNoRouterToAskWithoutADefaultRoute() throws Exception {
        try (PortMapper mapper = new PortMapper(config(3600), Optional::empty)) {
            assertThat(mapper.start(7000, InetAddress.getByName("0.0.0.0")).get()).isEmpty();
            assertThat(mapper.problem()).isEqualTo("no IPv4 default route, so no router to ask");
        }
    }

    @Test
    void shouldNotAskForAPortListeningOnlyOnAnAddressTheRouterCannotReach() throws Exception {
        try (PortMapper mapper = new PortMapper(config(3600), () -> Optional.of(loopbackRoute))) {
            assertThat(mapper.start(7000, InetAddress.getByName("127.0.0.2")).get()).isEmpty();
            assertThat(mapper.problem()).startsWith("listening on 127.0.0.2 only, not on 127.0.0.1");
        }
        assertThat(gateway.mapRequests).isEmpty();
    }

    private PortMapperConfig config(long leaseSeconds) {
        return config(leaseSeconds, MappingMethod.NAT_PMP);
    }

    private PortMapperConfig config(long leaseSeconds, MappingMethod... methods) {
        return new PortMapperConfig(leaseSeconds, 500, 1_000, 60_000, gateway.port(), List.of(methods));
    }

    /**
     * Answers NAT-PMP address and TCP map requests on loopback as a router would (granting the port and lifetime asked
     * for, or refusing mappings with {@link #resultCode}), and records each map request's lifetime.
     */
    private static final class FakeNatPmpGateway implements AutoCloseable {
        final List<Long> mapRequests = new CopyOnWriteArrayList<>();
        final List<String> pcpNonces = new CopyOnWriteArrayList<>();
        volatile int resultCode;
        volatile boolean speaksPcp;
        private final DatagramSocket socket;
        private final Thread server;

        FakeNatPmpGateway() throws SocketException {
            socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            server = Thread.ofVirtual().start(this::serve);
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            byte[] buffer = new byte[64];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    ByteBuffer request = ByteBuffer.wrap(buffer, 0, packet.getLength());
                    byte[] answer = answer(request);
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private byte[] answer(ByteBuffer request) throws IOException {
            if (request.get(0) == 2) {
                return speaksPcp ? pcpAnswer(request) : new byte[] {0, (byte) 129, 0, 1, 0, 0, 0, 1};
            }
            int opcode = request.get(1);
            if (opcode == 0) {
                return ByteBuffer.allocate(12).put((byte) 0).put((byte) 128).putShort((short) 0).putInt(1)
                    .put(InetAddress.getByName(PUBLIC_ADDRESS).getAddress()).array();
            }
            long lifetime = Integer.toUnsignedLong(request.getInt(8));
            mapRequests.add(lifetime);
            short external = lifetime == 0 ? 0 : request.getShort(6);
            return ByteBuffer.allocate(16).put((byte) 0).put((byte) (128 + opcode)).putShort((short) resultCode)
                .putInt(1).putShort(request.getShort(4)).putShort(external).putInt((int) lifetime).array();
        }

        private byte[] pcpAnswer(ByteBuffer request) {
            long lifetime = Integer.toUnsignedLong(request.getInt(4));
            mapRequests.add(lifetime);
            byte[] nonce = new byte[12];
            request.get(24, nonce);
            pcpNonces.add(java.util.HexFormat.of().formatHex(nonce));
            int internalPort = Short.toUnsignedInt(request.getShort(40));
            int externalPort = lifetime == 0 ? 0 : Short.toUnsignedInt(request.getShort(42));
            byte[] answer = PortMapCodecTest.pcpAnswer(nonce, resultCode, internalPort, externalPort);
            ByteBuffer.wrap(answer).putInt(4, (int) lifetime).put(56, new byte[] {(byte) 198, 51, 100, 7});
            return answer;
        }

        @Override
        public void close() {
            socket.close();
            try {
                server.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
