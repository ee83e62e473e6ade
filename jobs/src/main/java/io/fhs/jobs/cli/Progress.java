package io.fhs.jobs.cli;

/**
 * A one-line progress bar on stderr: redrawn in place on a terminal, a line every tenth of the way
 * otherwise (logs and CI output stay short).
 */
final class Progress {
    private static final int WIDTH = 30;
    private static final boolean TERMINAL = System.console() != null;
    private static long lastTenth = -1;

    private Progress() {}

    static synchronized void show(String what, long done, long total) {
        long tenth = total == 0 ? 10 : done * 10 / total;
        if (!TERMINAL) {
            if (tenth != lastTenth) {
                System.err.printf("%s: %d/%d%n", what, done, total);
                lastTenth = tenth;
            }
            return;
        }
        int filled = total == 0 ? WIDTH : (int) (done * WIDTH / total);
        System.err.printf(
                "\r%s [%s%s] %d/%d",
                what, "#".repeat(filled), " ".repeat(WIDTH - filled), done, total);
    }

    static synchronized void done() {
        if (TERMINAL) {
            System.err.println();
        }
        lastTenth = -1;
    }
}
