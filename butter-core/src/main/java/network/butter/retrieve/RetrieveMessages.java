package network.butter.retrieve;

import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.store.ContentId;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/** Payloads of the retrieval routes; the layouts are drawn in {@code docs/PROTOCOL.md} §6. */
final class RetrieveMessages {

    /** The most "also held by" peers a hit names. */
    static final int MAX_ALSO_HELD_BY = 16;
    static final int UNCHANGED = 0;
    static final int CHANGED = 1;
    /** Query acknowledgement: the node does not hold the block. */
    static final byte NOT_HELD = 0;
    /** Query acknowledgement: the node holds the block and sent the requester a hit. */
    static final byte HELD = 1;
    /**
     * Answer to a pushed summary by a node that does not route by the pusher's summaries (it forgot the pusher, or
     * never subscribed): the pusher drops it from its subscribers instead of pushing to it until the subscription
     * lapses. An empty answer is the plain acknowledgement.
     */
    static final byte NOT_SUBSCRIBED = 0;

    private RetrieveMessages() {
    }

    static byte[] encodeQuery(SearchQuery query) {
        PayloadWriter out = new PayloadWriter(128);
        out.u64(query.id().high()).u64(query.id().low()).raw(query.block().toBytes()).address(query.requester())
            .u8(query.strategy()).u8(query.ttl()).u16(query.parameter());
        return out.toByteArray();
    }

    static SearchQuery decodeQuery(byte[] payload) throws WireFormatException {
        PayloadReader in = new PayloadReader(payload, "search query");
        QueryId id = new QueryId(in.u64(), in.u64());
        ContentId block = ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES));
        PeerAddress requester = in.address();
        int strategy = in.u8();
        int ttl = in.u8();
        int parameter = in.u16();
        in.end();
        if (ttl < 1 || ttl > SearchQuery.MAX_TTL) {
            throw in.malformed("a TTL of " + ttl + " (allowed 1 to " + SearchQuery.MAX_TTL + ")");
        }
        return new SearchQuery(id, block, requester, strategy, ttl, parameter);
    }

    /** A hit: the holder tells the requester it has the block. */
    record Hit(QueryId id, ContentId block, PeerAddress holder, List<PeerAddress> alsoHeldBy) {
        byte[] encode() {
            PayloadWriter out = new PayloadWriter(128 + 48 * alsoHeldBy.size());
            out.u64(id.high()).u64(id.low()).raw(block.toBytes()).address(holder).addresses(alsoHeldBy);
            return out.toByteArray();
        }

        static Hit decode(byte[] payload) throws WireFormatException {
            PayloadReader in = new PayloadReader(payload, "search hit");
            QueryId id = new QueryId(in.u64(), in.u64());
            ContentId block = ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES));
            PeerAddress holder = in.address();
            List<PeerAddress> also = in.addresses(MAX_ALSO_HELD_BY);
            in.end();
            return new Hit(id, block, holder, also);
        }
    }

    /** A node's summaries as it sends them to subscribers. */
    record Summary(long version, BloomFilter own, BloomFilter neighbourhood) {
        void write(PayloadWriter out) {
            out.u64(version);
            own.write(out);
            neighbourhood.write(out);
        }

        int encodedBytes() {
            return 8 + own.encodedBytes() + neighbourhood.encodedBytes();
        }

        byte[] encode() {
            PayloadWriter out = new PayloadWriter(encodedBytes());
            write(out);
            return out.toByteArray();
        }

        static Summary read(PayloadReader in) throws WireFormatException {
            long version = in.u64();
            BloomFilter own = BloomFilter.read(in);
            BloomFilter neighbourhood = BloomFilter.read(in);
            if (own.bits() != neighbourhood.bits()) {
                throw in.malformed("summaries of " + own.bits() + " and " + neighbourhood.bits() + " bits");
            }
            return new Summary(version, own, neighbourhood);
        }

        static Summary decode(byte[] payload) throws WireFormatException {
            PayloadReader in = new PayloadReader(payload, "summary");
            Summary summary = read(in);
            in.end();
            return summary;
        }
    }

    /** Answer to a subscription: {@code null} summary means the subscriber's version is current. */
    static byte[] encodeSubscribeReply(Summary summary) {
        if (summary == null) {
            return new byte[] {UNCHANGED};
        }
        PayloadWriter out = new PayloadWriter(1 + summary.encodedBytes());
        out.u8(CHANGED);
        summary.write(out);
        return out.toByteArray();
    }

    static Summary decodeSubscribeReply(byte[] payload) throws WireFormatException {
        PayloadReader in = new PayloadReader(payload, "subscribe reply");
        int status = in.u8();
        Summary summary = switch (status) {
            case UNCHANGED -> null;
            case CHANGED -> Summary.read(in);
            default -> throw in.malformed("status " + status);
        };
        in.end();
        return summary;
    }
}
