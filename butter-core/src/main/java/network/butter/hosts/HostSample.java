package network.butter.hosts;

import java.util.ArrayList;
import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * A peer-exchange answer: some of a node's known hosts.
 *
 * <pre>
 *  count u8 | count × address
 * </pre>
 *
 * An address is written by {@link PayloadWriter#address}, so a host behind a NAT is passed on with its relayed
 * address; a host must pass {@link PayloadReader#hostProblem}, like every address on the wire.
 */
public final class HostSample {

    /** Most hosts in one sample. */
    public static final int MAX_HOSTS = 255;

    private HostSample() {
    }

    /** Encodes up to {@link #MAX_HOSTS} addresses. */
    public static byte[] encode(List<PeerAddress> hosts) {
        List<PeerAddress> sample = hosts.subList(0, Math.min(hosts.size(), MAX_HOSTS));
        PayloadWriter out = new PayloadWriter(1 + sample.size() * 64).u8(sample.size());
        sample.forEach(out::address);
        return out.toByteArray();
    }

    /**
     * Decodes a sample.
     *
     * @throws WireFormatException saying what is wrong with it
     */
    public static List<PeerAddress> decode(byte[] bytes) throws WireFormatException {
        PayloadReader in = new PayloadReader(bytes, "host sample");
        int count = in.u8();
        List<PeerAddress> hosts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            hosts.add(in.address());
        }
        in.end();
        return hosts;
    }
}
