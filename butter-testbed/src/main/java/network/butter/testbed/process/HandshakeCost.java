package network.butter.testbed.process;

import io.netty.buffer.ByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import network.butter.identity.NodeIdentity;
import network.butter.node.tls.NodeTls;

/**
 * What one node-to-node TLS handshake costs on this machine, in CPU milliseconds of both sides together: two nodes'
 * own TLS contexts shake hands in memory, in this thread, no sockets. A real run pays this for every connection a
 * node opens, and a replacement opens many (its bootstrap peers, the candidates its known-host list polls, its
 * groups' partners), so on a small machine the handshakes of churn, not the upkeep, are what a run runs out of first.
 */
public final class HandshakeCost {

    /**
     * Handshakes run before measuring, so that the JIT has compiled the path: a host JVM of a run makes thousands.
     * After 10 a handshake still cost 4-6 times what it costs warm (8.7 ms against 2.1-2.4 after 150, measured with
     * {@code FastCurve25519} on a 2-core VM), and the run's CPU estimate, meant as a floor, came out as a ceiling.
     */
    static final int WARM_UP_HANDSHAKES = 150;

    /** Room for one side's flight of handshake records before the other reads them. */
    private static final int BUFFER_BYTES = 64 * 1024;

    /** Most engine steps one handshake may take before it counts as stuck. */
    private static final int MAX_STEPS = 64;

    private HandshakeCost() {
    }

    /**
     * Measures the mean CPU time of {@code handshakes} full handshakes (after {@link #WARM_UP_HANDSHAKES} more),
     * each between a fresh client engine and a fresh server engine of two node identities made for the purpose.
     *
     * @return CPU milliseconds per handshake, both sides together
     * @throws IllegalArgumentException if {@code handshakes} is not positive
     * @throws IllegalStateException    if a handshake fails or does not finish
     */
    public static double measureCpuMs(int handshakes) {
        if (handshakes < 1) {
            throw new IllegalArgumentException("handshakes must be positive, got " + handshakes);
        }
        SecureRandom entropy = new SecureRandom();
        Instant now = Instant.now();
        NodeTls client = NodeTls.create(NodeIdentity.generate(entropy), entropy, now);
        NodeTls server = NodeTls.create(NodeIdentity.generate(entropy), entropy, now);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int port = 1;
        for (int i = 0; i < WARM_UP_HANDSHAKES; i++) {
            handshake(client, server, port++);
        }
        long startNs = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < handshakes; i++) {
            handshake(client, server, port++);
        }
        return (threads.getCurrentThreadCpuTime() - startNs) / 1e6 / handshakes;
    }

    /** One full handshake: a new port each time, so that the client has no session to resume. */
    private static void handshake(NodeTls client, NodeTls server, int port) {
        SSLEngine dialler = client.client().newEngine(ByteBufAllocator.DEFAULT, "127.0.0.1", port);
        SSLEngine acceptor = server.server().newEngine(ByteBufAllocator.DEFAULT);
        int packetBytes = Math.max(BUFFER_BYTES, Math.max(dialler.getSession().getPacketBufferSize(),
            acceptor.getSession().getPacketBufferSize()));
        int appBytes = Math.max(dialler.getSession().getApplicationBufferSize(),
            acceptor.getSession().getApplicationBufferSize());
        ByteBuffer toAcceptor = ByteBuffer.allocate(packetBytes);
        ByteBuffer toDialler = ByteBuffer.allocate(packetBytes);
        ByteBuffer plain = ByteBuffer.allocate(appBytes);
        try {
            dialler.beginHandshake();
            acceptor.beginHandshake();
            for (int step = 0; step < MAX_STEPS; step++) {
                boolean moved = step(dialler, toDialler, toAcceptor, plain) | step(acceptor, toAcceptor, toDialler, plain);
                if (done(dialler) && done(acceptor) && toAcceptor.position() == 0 && toDialler.position() == 0) {
                    return;
                }
                if (!moved) {
                    throw new IllegalStateException("TLS handshake in memory stalled at " + dialler.getHandshakeStatus()
                        + " / " + acceptor.getHandshakeStatus());
                }
            }
            throw new IllegalStateException("TLS handshake in memory did not finish in " + MAX_STEPS + " steps");
        } catch (SSLException e) {
            throw new IllegalStateException("TLS handshake in memory failed: " + e.getMessage(), e);
        } finally {
            dialler.closeOutbound();
            acceptor.closeOutbound();
        }
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    /** Moves one engine on: runs its tasks, writes all it has to say, then reads what it was sent. */
    private static boolean step(SSLEngine engine, ByteBuffer inbound, ByteBuffer outbound, ByteBuffer plain)
        throws SSLException {
        boolean moved = runTasks(engine);
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), outbound);
            if (result.getStatus() != SSLEngineResult.Status.OK) {
                throw new IllegalStateException("TLS handshake in memory: writing a handshake message gave " + result);
            }
            moved = true;
            runTasks(engine);
        }
        while (inbound.position() > 0) {
            inbound.flip();
            int before = inbound.remaining();
            plain.clear();
            engine.unwrap(inbound, plain);
            boolean consumed = inbound.remaining() < before;
            inbound.compact();
            if (!consumed) {
                break;
            }
            moved = true;
            if (runTasks(engine) || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                break;
            }
        }
        return moved;
    }

    private static boolean runTasks(SSLEngine engine) {
        boolean ran = false;
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
            ran = true;
        }
        return ran;
    }
}
