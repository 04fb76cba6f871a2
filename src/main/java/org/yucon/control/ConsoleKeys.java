package org.yucon.control;

import java.io.IOException;
import org.yucon.console.EscapeCommand;
import org.yucon.console.EscapeKeys;

/**
 * The console's share of a viewer's keys: bytes for the guest, and conserver's escape commands. Those about the
 * console itself (who, write, replay, SysRq) run here on the attachment; those that change what has the screen
 * (detach, the log pager, the menu) are the front's. Called on the viewer's session steps only.
 */
public final class ConsoleKeys implements EscapeKeys.Handler {
    /** What the escape keys ask of the front that shows the console. */
    public interface Front {
        /** The attached console: keys come here only while there is one. */
        ConsoleAttachment console();

        /** The window of the one typing, for a viewer that becomes the writer. */
        int columns();

        int rows();

        /** {@code ^A d}. */
        void detach() throws IOException;

        /** {@code ^A l}: the pager over the console's log. */
        void openLog() throws IOException;

        /** {@code ^A m}: the menu over the console, whose output is held meanwhile. */
        void menu() throws IOException;

        /** Whether keys typed still go to the console: a command that changed that stops the key feed. */
        boolean onConsole();
    }

    private final EscapeKeys escape;
    private final Front front;

    public ConsoleKeys(EscapeKeys escape, Front front) {
        this.escape = escape;
        this.front = front;
    }

    @Override
    public void forward(byte[] bytes, int offset, int length) throws IOException {
        front.console().type(bytes, offset, length);
    }

    @Override
    public boolean command(EscapeCommand command) throws IOException {
        ConsoleAttachment console = front.console();
        switch (command) {
            case DETACH -> front.detach();
            case HELP -> console.tell(escape.help().toArray(new String[0]));
            case WHO -> console.who();
            case ASK_WRITE -> console.askForWriteOrSendPrefix(front.columns(), front.rows());
            case FORCE_WRITE -> console.forceWrite(front.columns(), front.rows());
            case GIVE_UP_WRITE -> console.giveUpWrite();
            case REPLAY -> console.replay();
            case LOG -> front.openLog();
            case MENU -> {
                console.hold();
                front.menu();
            }
            case SYSRQ -> throw new IllegalStateException("SysRq comes with its key, through sysrq()");
        }
        return front.onConsole();
    }

    @Override
    public void sysrq(byte key) throws IOException {
        front.console().sysrq((char) key);
    }

    @Override
    public void unbound(byte key) throws IOException {
        front.console().tell("that key is not bound after " + escape.prefixName() + ": " + escape.hint());
    }
}
