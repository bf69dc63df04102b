package network.butter.cli.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import network.butter.node.portmap.Mapping;
import network.butter.node.portmap.MappingMethod;
import network.butter.node.portmap.PortMapper;
import network.butter.node.portmap.PortMapperConfig;

/**
 * The port-mapping client alone, as a process in a lab host: {@code PortMapperProbe <UPNP|NAT_PMP> <leaseSeconds>
 * <port>} listens on the TCP port, maps it with the one protocol and that lease, and prints on stdout
 * {@code mapped <host:port> via <method>} (or {@code unmapped <why>}), {@code accepted from <ip>} for each connection
 * that reaches it and {@code renewals <n>} as the lease is renewed; SIGTERM makes it remove the mapping (its log line
 * {@code port mapping: removed ...} goes to stderr). Runs at most as long as the lab's {@code timeout} wrapper allows.
 */
public final class PortMapperProbe {

    private static final long RENEWAL_POLL_MS = 50;

    private PortMapperProbe() {
    }

    /** Runs until SIGTERM. */
    public static void main(String[] args) throws IOException, InterruptedException, ExecutionException {
        MappingMethod method = MappingMethod.valueOf(args[0]);
        long leaseSeconds = Long.parseLong(args[1]);
        int port = Integer.parseInt(args[2]);
        PrintStream out = System.out;
        ServerSocket server = new ServerSocket(port);
        Thread.ofVirtual().start(() -> accept(server, out));
        PortMapper mapper = PortMapper.create(PortMapperConfig.defaults().withLeaseSeconds(leaseSeconds)
            .withMethods(method));
        Runtime.getRuntime().addShutdownHook(new Thread(mapper::close));
        Optional<Mapping> mapping = mapper.start(port, InetAddress.getByName("0.0.0.0")).get();
        out.println(mapping.map(made -> "mapped " + made.describe()).orElse("unmapped " + mapper.problem()));
        out.flush();
        AtomicInteger reported = new AtomicInteger();
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
        reporter.scheduleWithFixedDelay(() -> {
            int renewals = mapper.renewals();
            if (reported.getAndSet(renewals) != renewals) {
                out.println("renewals " + renewals);
                out.flush();
            }
        }, RENEWAL_POLL_MS, RENEWAL_POLL_MS, TimeUnit.MILLISECONDS);
        new CountDownLatch(1).await(); // until SIGTERM ends the JVM
    }

    private static void accept(ServerSocket server, PrintStream out) {
        while (true) {
            try (Socket socket = server.accept()) {
                out.println("accepted from " + socket.getInetAddress().getHostAddress());
                out.flush();
            } catch (IOException e) {
                return;
            }
        }
    }
}
