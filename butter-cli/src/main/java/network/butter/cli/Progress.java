package network.butter.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on standard error for long transfers, shown only to a person at a terminal: not with {@code --json},
 * and not when standard error is redirected, so scripts and logs get no escape sequences.
 */
final class Progress implements AutoCloseable {

    private static final Progress NONE = new Progress(null);
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * A bar for a transfer of {@code totalBytes} ({@code -1} when unknown), or none for scripts.
     *
     * @param quiet true for machine-readable output
     */
    static Progress of(boolean quiet, String task, long totalBytes) {
        if (quiet || System.console() == null) {
            return NONE;
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(totalBytes)
            .setStyle(ProgressBarStyle.ASCII).setUnit(" MiB", 1 << 20).showSpeed().setUpdateIntervalMillis(250)
            .continuousUpdate().build());
    }

    void advance(long bytes) {
        if (bar != null) {
            bar.stepBy(bytes);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /** An output stream that moves a progress bar. */
    static final class Output extends FilterOutputStream {

        private final Progress progress;

        Output(OutputStream out, Progress progress) {
            super(out);
            this.progress = progress;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            progress.advance(length);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            progress.advance(1);
        }
    }
}
