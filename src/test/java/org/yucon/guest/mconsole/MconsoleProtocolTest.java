package org.yucon.guest.mconsole;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.yucon.guest.mconsole.MconsoleProtocol.Packet;

class MconsoleProtocolTest {

    @Test
    void requestIsTheWholeStructInHostByteOrder() {
        ByteBuffer request = MconsoleProtocol.encodeRequest("proc loadavg").order(ByteOrder.nativeOrder());

        assertEquals(0, request.position());
        assertEquals(12 + 512, request.remaining());
        assertEquals(0xcafebabe, request.getInt());
        assertEquals(2, request.getInt());
        assertEquals(12, request.getInt());
        byte[] data = new byte[12];
        request.get(data);
        assertEquals("proc loadavg", new String(data, StandardCharsets.US_ASCII));
        while (request.hasRemaining()) {
            assertEquals(0, request.get());
        }
    }

    @Test
    void requestMustBeShorterThanTheDataField() {
        assertEquals(524, MconsoleProtocol.encodeRequest("x".repeat(511)).remaining());
        assertThrows(IllegalArgumentException.class, () -> MconsoleProtocol.encodeRequest("x".repeat(512)));
    }

    @Test
    void requestLengthCountsUtf8Bytes() {
        ByteBuffer request = MconsoleProtocol.encodeRequest("log é").order(ByteOrder.nativeOrder());

        assertEquals(6, request.getInt(8));
    }

    @Test
    void requestWithNulIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> MconsoleProtocol.encodeRequest("version\0halt"));
    }

    @Test
    void replyDropsTheTrailingNul() {
        Packet packet = MconsoleProtocol.decodeReply(FakeGuest.packet(0, false, "Linux uml1 7.2.7"));

        assertEquals(0, packet.err());
        assertFalse(packet.more());
        assertEquals("Linux uml1 7.2.7", new String(packet.data(), StandardCharsets.UTF_8));
    }

    @Test
    void replyCarriesErrorAndMore() {
        Packet packet = MconsoleProtocol.decodeReply(FakeGuest.packet(1, true, "Unknown command"));

        assertEquals(1, packet.err());
        assertTrue(packet.more());
    }

    @Test
    void emptyReplyAsAfterHalt() {
        Packet packet = MconsoleProtocol.decodeReply(FakeGuest.packet(0, false, ""));

        assertEquals(0, packet.data().length);
    }

    @Test
    void replyWithoutNulKeepsAllBytes() {
        ByteBuffer datagram = header(0, 0, 2).put(new byte[] {'o', 'k'}).flip();

        assertArrayEquals(new byte[] {'o', 'k'}, MconsoleProtocol.decodeReply(datagram).data());
    }

    @Test
    void decodingLeavesTheBufferAlone() {
        ByteBuffer datagram = FakeGuest.packet(0, false, "text");

        MconsoleProtocol.decodeReply(datagram);

        assertEquals(0, datagram.position());
    }

    @Test
    void truncatedHeaderIsMalformed() {
        ByteBuffer datagram = ByteBuffer.allocate(8);

        assertThrows(IllegalArgumentException.class, () -> MconsoleProtocol.decodeReply(datagram));
    }

    @Test
    void lengthBeyondTheDatagramIsMalformed() {
        ByteBuffer datagram = header(0, 0, 10).put(new byte[4]).flip();

        assertThrows(IllegalArgumentException.class, () -> MconsoleProtocol.decodeReply(datagram));
    }

    @Test
    void lengthBeyondTheDataFieldIsMalformed() {
        ByteBuffer datagram = header(0, 0, 513).put(new byte[513]).flip();

        assertThrows(IllegalArgumentException.class, () -> MconsoleProtocol.decodeReply(datagram));
    }

    @Test
    void negativeLengthIsMalformed() {
        ByteBuffer datagram = header(0, 0, -1).flip();

        assertThrows(IllegalArgumentException.class, () -> MconsoleProtocol.decodeReply(datagram));
    }

    private static ByteBuffer header(int err, int more, int length) {
        return ByteBuffer.allocate(600).order(ByteOrder.nativeOrder()).putInt(err).putInt(more).putInt(length);
    }
}
