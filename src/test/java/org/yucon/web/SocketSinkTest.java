package org.yucon.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.yucon.recording.Recording;
import org.yucon.testing.Await;

/** The WebSocket sink's flow control: what the page has not rendered bounds what the gateway sends. */
class SocketSinkTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final List<ByteBuffer> frames = new CopyOnWriteArrayList<>();
    private final SocketSink sink = new SocketSink(frames::add, Recording.OFF);

    @Test
    void outputWaitsWhileAWindowIsUnacknowledgedAndGoesOnWhenThePageRendered() throws Exception {
        sink.output(new byte[SocketSink.WINDOW], SocketSink.WINDOW);
        assertFalse(sink.offer(new byte[1], 1), "no offer past the window");
        Thread pump = new Thread(() -> output(new byte[100]));
        pump.start();
        Await.until("the pump waits", TIMEOUT, () -> pump.getState() == Thread.State.WAITING, pump::toString);
        assertEquals(1, frames.size(), "nothing more was sent");
        sink.acknowledged(SocketSink.WINDOW);
        pump.join(TIMEOUT.toMillis());
        assertEquals(2, frames.size());
        assertEquals(ConsoleProtocol.OUTPUT, frames.get(1).get(0));
        assertEquals(101, frames.get(1).remaining());
    }

    @Test
    void aPausedPageGetsNoOutputButTheGatewaysLinesAndItsPumpStopsWhenTheSocketCloses() throws Exception {
        sink.pause();
        assertFalse(sink.offer(new byte[1], 1));
        CompletableFuture<Void> pumped = CompletableFuture.runAsync(() -> output(new byte[1]));
        sink.tell("a line");
        Await.until("the line sent", TIMEOUT, () -> frames.size() == 1, frames::toString);
        assertTrue(text(frames.get(0)).contains("[yucon] a line"));
        assertFalse(pumped.isDone());
        sink.close();
        Await.until("the pump let go", TIMEOUT, pumped::isDone, pumped::toString);
        assertTrue(pumped.isCompletedExceptionally(), "the pump is told the socket closed");
        assertEquals(1, frames.size());
    }

    @Test
    void linesToldWhileHeldComeInOrderOnRelease() throws Exception {
        sink.hold();
        sink.tell("one");
        sink.tell("two");
        assertTrue(frames.isEmpty());
        sink.release();
        assertEquals(2, frames.size());
        assertTrue(text(frames.get(0)).contains("one") && text(frames.get(1)).contains("two"));
    }

    private void output(byte[] bytes) {
        try {
            sink.output(bytes, bytes.length);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(ByteBuffer frame) {
        return StandardCharsets.UTF_8.decode(frame.duplicate()).toString();
    }
}
