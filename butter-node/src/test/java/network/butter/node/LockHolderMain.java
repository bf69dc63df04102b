package network.butter.node;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Another process holding a data directory, as a second {@code butter node} would: takes the lock, prints
 * {@code locked}, and holds it until its standard input closes (its parent test ends) or it is killed.
 */
public final class LockHolderMain {

    private LockHolderMain() {
    }

    /** @param args the data directory */
    public static void main(String[] args) throws IOException {
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(Path.of(args[0]))) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // Holds the lock until the parent closes the pipe.
            }
        }
    }
}
