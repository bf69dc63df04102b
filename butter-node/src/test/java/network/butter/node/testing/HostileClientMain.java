package network.butter.node.testing;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import network.butter.wire.ErrorCode;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;

/**
 * An attacker in a process of its own, all from one source address: it opens connections with throwaway Butter
 * keys that say HELLO and then idle, tries TLS with no client certificate and with a certificate that is no Butter
 * key, holds connections with throwaway keys that never say HELLO, stalled raw TCP connections (slow handshakes) and
 * half TLS records; then it floods the node with short raw-garbage connections. Bounded in count and time.
 *
 * <p>Prints {@code ready} once the standing attack is in place (the flood follows), and at the end one line
 * {@code summary key=value ...}. Arguments: {@code host port sourceHost floodConnections floodSeconds seed idleKeys}:
 * the
 * standing attack takes at most {@link #STANDING_LIMIT}, the flood at most {@code floodSeconds}.
 */
public final class HostileClientMain {

    /** Raw TCP connections that connect and never send a byte, held to the end. */
    static final int STALLED = 100;
    /** Raw TCP connections that send half of a TLS record and stop, held to the end. */
    static final int HALF_RECORDS = 30;
    /** How many TLS attempts run at once. */
    static final int HANDSHAKE_CONCURRENCY = 4;
    /** Attempts of each other TLS kind. */
    static final int TLS_EACH = 10;
    /** How many raw-garbage connections are in flight at once during the flood. */
    static final int FLOOD_CONCURRENCY = 32;

    private static final int CONNECT_TIMEOUT_MS = 2_000;
    /** How long a flood connection waits for the node to hang up: longer than any node's handshake deadline. */
    private static final Duration FLOOD_CLOSE_WAIT = Duration.ofSeconds(15);
    /** The longest the standing attack may take to set up. */
    private static final Duration STANDING_LIMIT = Duration.ofSeconds(45);
    /** How long a TLS client the node must refuse waits to be refused. */
    private static final Duration REFUSAL_WAIT = Duration.ofSeconds(5);

    private final String host;
    private final int port;
    private final String source;
    private final long floodSeconds;
    private final int idleKeyCount;
    private long deadlineNanos;
    private final SplittableRandom random;
    private final List<Socket> held = new ArrayList<>();
    private final List<RawTlsClient> heldTls = new ArrayList<>();

    private HostileClientMain(String host, int port, String source, long floodSeconds, int idleKeyCount, long seed) {
        this.host = host;
        this.port = port;
        this.source = source;
        this.floodSeconds = floodSeconds;
        this.idleKeyCount = idleKeyCount;
        this.deadlineNanos = System.nanoTime() + STANDING_LIMIT.toNanos();
        this.random = new SplittableRandom(seed);
    }

    /** @param args host, port, source host, flood connections, the flood's maximum seconds, seed, idle keys */
    public static void main(String[] args) throws Exception {
        int flood = Integer.parseInt(args[3]);
        long maxSeconds = Long.parseLong(args[4]);
        HostileClientMain attack = new HostileClientMain(args[0], Integer.parseInt(args[1]), args[2], maxSeconds,
            Integer.parseInt(args[6]), Long.parseLong(args[5]));
        System.out.println(attack.run(flood));
        System.out.flush();
        System.exit(0);
    }

    private String run(int flood) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            long started = System.nanoTime();
            List<RawTlsClient> idleKeys = inParallel(idleKeyCount, () -> {
                RawTlsClient client = RawTlsClient.connect(group, HostileTlsContexts.withFreshButterKey(), host, port, source);
                client.handshake().awaitUninterruptibly(REFUSAL_WAIT.toMillis());
                client.send(new Frame.Hello(FrameCodec.PROTOCOL_VERSION, 0, FrameCodec.MIN_MAX_FRAME_BYTES));
                return client;
            });
            heldTls.addAll(idleKeys);
            long idleKeysMs = (System.nanoTime() - started) / 1_000_000;
            SslContext withoutCertificate = HostileTlsContexts.withoutCertificate();
            SslContext withEcCertificate = HostileTlsContexts.withEcP256Certificate();
            long tlsRefused = inParallel(TLS_EACH, () -> refused(group, withoutCertificate)).stream()
                .filter(Boolean::booleanValue).count()
                + inParallel(TLS_EACH, () -> refused(group, withEcCertificate)).stream().filter(Boolean::booleanValue).count();
            long tlsMs = (System.nanoTime() - started) / 1_000_000 - idleKeysMs;
            SslContext throwawayKey = HostileTlsContexts.withFreshButterKey();
            List<RawTlsClient> silent = inParallel(TLS_EACH,
                () -> RawTlsClient.connect(group, throwawayKey, host, port, source));
            heldTls.addAll(silent);
            int silentKeys = silent.size();
            for (int i = 0; i < STALLED && inTime(); i++) {
                held.add(rawSocket());
            }
            for (int i = 0; i < HALF_RECORDS && inTime(); i++) {
                Socket socket = rawSocket();
                byte[] halfRecord = new byte[5 + 100];
                random.nextBytes(halfRecord);
                ByteBuffer.wrap(halfRecord).put((byte) 0x16).put((byte) 0x03).put((byte) 0x03).putShort((short) 0x4000);
                writeUnlessClosed(socket, halfRecord);
                held.add(socket);
            }
            long standingMs = (System.nanoTime() - started) / 1_000_000;
            System.out.println("ready");
            System.out.flush();
            deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(floodSeconds);
            long floodStarted = System.nanoTime();
            long[] floodResult = flood(flood);
            long floodMs = (System.nanoTime() - floodStarted) / 1_000_000;
            int overloaded = 0;
            int admitted = 0;
            for (RawTlsClient client : idleKeys) {
                List<Frame> frames = client.frames();
                if (!frames.isEmpty() && frames.getFirst() instanceof Frame.GoAway goAway
                    && goAway.code() == ErrorCode.OVERLOADED) {
                    overloaded++;
                } else if (!frames.isEmpty() && frames.getFirst() instanceof Frame.Hello) {
                    admitted++;
                }
            }
            int stalledOpen = 0;
            for (Socket socket : held) {
                stalledOpen += stillOpen(socket) ? 1 : 0;
            }
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            return "summary stalled=" + STALLED + " halfRecords=" + HALF_RECORDS + " stalledStillOpen=" + stalledOpen
                + " tlsRefused=" + tlsRefused + "/" + 2 * TLS_EACH + " silentKeys=" + silentKeys
                + " idleKeysAdmitted=" + admitted + " idleKeysOverloaded=" + overloaded
                + " flood=" + floodResult[0] + " floodClosedByNode=" + floodResult[1] + " standingMs=" + standingMs
                + " (idleKeysMs=" + idleKeysMs + " tlsMs=" + tlsMs + ")" + " floodMs=" + floodMs + " elapsedMs=" + elapsedMs;
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
            for (RawTlsClient client : heldTls) {
                client.close();
            }
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
        }
    }

    /** A TLS client the node must refuse: whether it closed the connection without a byte of Butter protocol. */
    private boolean refused(EventLoopGroup group, SslContext context) {
        try (RawTlsClient client = RawTlsClient.connect(group, context, host, port, source)) {
            client.closed().awaitUninterruptibly(REFUSAL_WAIT.toMillis());
            return !client.isOpen() && client.received().length == 0;
        }
    }

    /**
     * Runs {@code count} attempts, {@value #HANDSHAKE_CONCURRENCY} at a time (fewer than any node lets one address
     * hold in its handshake, so that no attempt is refused merely for arriving alongside the others), and returns
     * their results; attempts not started before the standing attack's time is up are skipped.
     */
    private <T> List<T> inParallel(int count, Callable<T> attempt) throws InterruptedException, ExecutionException {
        List<T> results = new ArrayList<>();
        try (ExecutorService workers = Executors.newFixedThreadPool(HANDSHAKE_CONCURRENCY, Thread.ofVirtual().factory())) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(workers.submit(() -> inTime() ? attempt.call() : null));
            }
            for (Future<T> future : futures) {
                T result = future.get();
                if (result != null) {
                    results.add(result);
                }
            }
        }
        return results;
    }

    /**
     * Raw connections that send a little garbage and wait for the node to hang up, {@value #FLOOD_CONCURRENCY} at a
     * time: returns how many were made and how many the node closed.
     */
    private long[] flood(int connections) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicLong made = new AtomicLong();
        AtomicLong closedByNode = new AtomicLong();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < FLOOD_CONCURRENCY; w++) {
                long seed = random.nextLong();
                workers.submit(() -> {
                    SplittableRandom garbage = new SplittableRandom(seed);
                    byte[] bytes = new byte[256];
                    while (next.getAndIncrement() < connections && inTime()) {
                        try (Socket socket = rawSocket()) {
                            made.incrementAndGet();
                            garbage.nextBytes(bytes);
                            writeUnlessClosed(socket, bytes);
                            socket.setSoTimeout((int) FLOOD_CLOSE_WAIT.toMillis());
                            closedByNode.addAndGet(RawSockets.closedByPeer(socket) ? 1 : 0);
                        } catch (IOException e) {
                            made.incrementAndGet();
                        }
                    }
                });
            }
            workers.shutdown();
            workers.awaitTermination(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000)
                + FLOOD_CLOSE_WAIT.toMillis() + 5_000,
                TimeUnit.MILLISECONDS);
        }
        return new long[] {made.get(), closedByNode.get()};
    }

    private boolean inTime() {
        return System.nanoTime() < deadlineNanos;
    }

    private Socket rawSocket() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        return socket;
    }

    private static void writeUnlessClosed(Socket socket, byte[] bytes) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException closedAlready) {
            // The node hung up first: what it should do.
        }
    }

    private static boolean stillOpen(Socket socket) {
        try {
            socket.setSoTimeout(1);
            return !RawSockets.closedByPeer(socket);
        } catch (IOException e) {
            return false;
        }
    }
}
