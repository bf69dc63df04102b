package network.butter.persist;

import java.util.List;
import network.butter.identity.PeerAddress;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * What a node writes next to a block in its chunk store so that after a restart it can rejoin the block's group
 * (the owner's stamp and the members it last knew) or keep refusing a deleted block (the tombstone).
 *
 * <pre>
 *  1 | stamp | replication u8 | members (u16 count, addresses)      a held block
 *  2 | tombstone                                                   a deleted block
 * </pre>
 */
record GroupRecord(OwnerStamp stamp, int replication, List<PeerAddress> members, Tombstone tombstone) {

    private static final int HELD = 1;
    private static final int DELETED = 2;

    static GroupRecord held(OwnerStamp stamp, int replication, List<PeerAddress> members) {
        return new GroupRecord(stamp, replication, List.copyOf(members), null);
    }

    static GroupRecord deleted(Tombstone tombstone) {
        return new GroupRecord(null, 0, List.of(), tombstone);
    }

    byte[] encode() {
        PayloadWriter out = new PayloadWriter(200 + 48 * members.size());
        if (tombstone != null) {
            out.u8(DELETED);
            tombstone.write(out);
        } else {
            out.u8(HELD);
            stamp.write(out);
            out.u8(replication);
            out.addresses(members);
        }
        return out.toByteArray();
    }

    static GroupRecord decode(byte[] bytes) throws WireFormatException {
        PayloadReader in = new PayloadReader(bytes, "group record");
        int kind = in.u8();
        GroupRecord record = switch (kind) {
            case HELD -> {
                OwnerStamp stamp = OwnerStamp.read(in);
                int replication = in.u8();
                yield held(stamp, Math.max(1, Math.min(PcgConfig.MAX_REPLICATION, replication)),
                    in.addresses(PcgMessages.MAX_MEMBERS));
            }
            case DELETED -> deleted(Tombstone.read(in));
            default -> throw in.malformed("record kind " + kind);
        };
        in.end();
        return record;
    }
}
