package network.butter.discover;

import java.util.List;
import java.util.Objects;
import network.butter.env.Cancellable;
import network.butter.identity.HostPort;
import network.butter.protocol.Protocol;
import network.butter.protocol.ProtocolContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the network through known addresses (e.g. {@code butter node --bootstrap host:port}): connects to each,
 * learns who is there from its key, and offers it to the {@link HostSink}; peer exchange does the rest. While
 * the node stays lonely it tries again, with the pause doubling up to a minute.
 */
public final class Bootstrap implements Protocol {

    private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);
    private static final long MAX_RETRY_MS = 60_000;

    private final List<HostPort> addresses;
    private final HostSink sink;
    private final long firstRetryMs;
    private ProtocolContext context;
    private long retryMs;
    private boolean stopped;
    private Cancellable retry = Cancellable.NONE;

    /**
     * @param addresses    where to knock
     * @param sink         where the peers found go
     * @param firstRetryMs pause before the first retry while lonely, in milliseconds
     */
    public Bootstrap(List<HostPort> addresses, HostSink sink, long firstRetryMs) {
        this.addresses = List.copyOf(addresses);
        this.sink = Objects.requireNonNull(sink, "sink");
        if (firstRetryMs < 1) {
            throw new IllegalArgumentException("firstRetryMs must be >= 1, got " + firstRetryMs);
        }
        this.firstRetryMs = firstRetryMs;
    }

    @Override
    public String name() {
        return "bootstrap";
    }

    @Override
    public void start(ProtocolContext ctx) {
        this.context = ctx;
        this.retryMs = firstRetryMs;
        knock();
    }

    @Override
    public void stop() {
        stopped = true;
        retry.cancel();
    }

    private void knock() {
        if (stopped || addresses.isEmpty()) {
            return;
        }
        for (HostPort address : addresses) {
            context.node().connect(address).whenComplete((peer, error) -> context.loop().execute(() -> {
                if (error != null) {
                    log.debug("bootstrap address {} unreachable: {}", address, error.getMessage());
                } else if (!stopped) {
                    sink.offer(peer);
                }
            }));
        }
        retry = context.loop().schedule(retryMs, () -> {
            if (sink.lonely()) {
                knock();
            }
        });
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
    }
}
