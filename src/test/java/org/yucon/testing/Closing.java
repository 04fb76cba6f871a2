package org.yucon.testing;

/** Test teardown: closes what was opened, in the order given, skipping what never was, whatever fails. */
public final class Closing {
    private Closing() {
    }

    /** Closes every non-null item; the first failure is thrown after all were tried, the others added to it. */
    public static void all(AutoCloseable... items) throws Exception {
        Exception first = null;
        for (AutoCloseable item : items) {
            try {
                if (item != null) {
                    item.close();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
