package network.butter.testbed.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for {@code butter node-host} in its own JVM: answers every {@code spawn N DIR} with a node line, and
 * halts when its stdin closes, as the real host does.
 */
public final class FakeHost {

    private FakeHost() {
    }

    /** Runs the host until its stdin closes. */
    public static void main(String[] args) throws IOException {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
            String[] words = line.split(" ");
            if (words.length >= 2 && HostLines.SPAWN.equals(words[0])) {
                System.out.println(HostLines.NODE + " " + words[1] + " " + "A".repeat(43) + "@127.0.0.1:9 9");
                System.out.flush();
            }
        }
        Runtime.getRuntime().halt(0);
    }
}
