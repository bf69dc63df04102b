package network.butter.examples.chat;

import java.nio.BufferUnderflowException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import network.butter.identity.PeerAddress;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * One chat event as it travels from node to node: a line said in a room, or someone joining or leaving it.
 *
 * <pre>
 *  version u8 (1) | kind u8 | message id (16) | hops u8 | origin (address) | room (u16 + UTF-8) | nick (u16 + UTF-8)
 *  | text (u16 + UTF-8)
 * </pre>
 *
 * @param kind   what happened
 * @param id     random, unique per event: nodes pass each event on once and show it once
 * @param hops   how many nodes it has passed through; it stops at {@link #MAX_HOPS}
 * @param origin the node of the person who said it, so that others can add it to the room
 * @param room   the room's name, at most {@link #MAX_ROOM_BYTES} bytes
 * @param nick   the speaker's nickname, at most {@link #MAX_NICK_BYTES} bytes
 * @param text   what was said (empty for joins and leaves), at most {@link #MAX_TEXT_BYTES} bytes
 */
public record ChatMessage(Kind kind, byte[] id, int hops, PeerAddress origin, String room, String nick, String text) {

    /** The format version this code writes and reads. */
    public static final int VERSION = 1;
    /** Bytes of a message id. */
    public static final int ID_BYTES = 16;
    /** Longest room name, in UTF-8 bytes. */
    public static final int MAX_ROOM_BYTES = 64;
    /** Longest nickname, in UTF-8 bytes. */
    public static final int MAX_NICK_BYTES = 32;
    /** Longest line, in UTF-8 bytes. */
    public static final int MAX_TEXT_BYTES = 1_024;
    /** Most nodes an event passes through. */
    public static final int MAX_HOPS = 8;

    /** What a chat event says. */
    public enum Kind {
        /** A line said in the room. */
        SAY,
        /** Someone joined the room. */
        JOIN,
        /** Someone left the room. */
        LEAVE
    }

    /**
     * Checks every bound, so that a message that exists can be sent.
     *
     * @throws IllegalArgumentException naming the field that is too long or malformed
     */
    public ChatMessage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(origin, "origin");
        if (id.length != ID_BYTES) {
            throw new IllegalArgumentException("a message id has " + ID_BYTES + " bytes, not " + id.length);
        }
        if (hops < 0 || hops > MAX_HOPS) {
            throw new IllegalArgumentException("hops must be 0-" + MAX_HOPS + ", got " + hops);
        }
        check("room", room, 1, MAX_ROOM_BYTES);
        check("nick", nick, 1, MAX_NICK_BYTES);
        check("text", text, 0, MAX_TEXT_BYTES);
        id = id.clone();
    }

    /** Checks a text field's length in UTF-8 bytes and that it has no control characters. */
    static void check(String field, String value, int minBytes, int maxBytes) {
        Objects.requireNonNull(value, field);
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < minBytes || bytes > maxBytes) {
            throw new IllegalArgumentException(field + " must be " + minBytes + "-" + maxBytes + " bytes of UTF-8, got " + bytes);
        }
        if (value.chars().anyMatch(c -> Character.isISOControl(c))) {
            throw new IllegalArgumentException(field + " must not contain control characters");
        }
    }

    /** The message id. */
    @Override
    public byte[] id() {
        return id.clone();
    }

    /** The id as hex, for de-duplication maps and logs. */
    public String idHex() {
        return HexFormat.of().formatHex(id);
    }

    /** The same event one hop further. */
    public ChatMessage forwarded() {
        return new ChatMessage(kind, id, hops + 1, origin, room, nick, text);
    }

    /** The bytes on the wire. */
    public byte[] encode() {
        return new PayloadWriter(64 + text.length() * 3)
            .u8(VERSION).u8(kind.ordinal()).raw(id).u8(hops).address(origin).text(room).text(nick).text(text)
            .toByteArray();
    }

    /**
     * Reads a message.
     *
     * @throws WireFormatException saying what is wrong with the bytes
     */
    public static ChatMessage decode(byte[] bytes) throws WireFormatException {
        PayloadReader in = new PayloadReader(bytes, "chat message");
        try {
            int version = in.u8();
            if (version != VERSION) {
                throw new WireFormatException(network.butter.wire.ErrorCode.MALFORMED_FRAME,
                    "chat message version " + version + " (this node speaks " + VERSION + ")");
            }
            int kind = in.u8();
            if (kind >= Kind.values().length) {
                throw new WireFormatException(network.butter.wire.ErrorCode.MALFORMED_FRAME, "unknown chat message kind " + kind);
            }
            byte[] id = in.raw(ID_BYTES);
            ChatMessage message = new ChatMessage(Kind.values()[kind], id, in.u8(), in.address(), in.text(), in.text(), in.text());
            in.end();
            return message;
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            throw new WireFormatException(network.butter.wire.ErrorCode.MALFORMED_FRAME, "bad chat message: " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChatMessage m && kind == m.kind && Arrays.equals(id, m.id) && hops == m.hops
            && origin.equals(m.origin) && room.equals(m.room) && nick.equals(m.nick) && text.equals(m.text);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(id);
    }

    @Override
    public String toString() {
        return "ChatMessage[" + kind + " " + idHex() + " hops=" + hops + " from " + nick + " in " + room + "]";
    }
}
