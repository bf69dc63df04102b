package network.butter.wider;

/** Whether a node serves as an ambassador (introducer and relay for nodes behind NATs). */
public enum AmbassadorMode {
    /** An ambassador while it is {@link Reachability#PUBLIC} and its memory budget allows relaying. */
    AUTO,
    /** Always an ambassador ({@code --ambassador}), e.g. a server the operator knows is public. */
    ON,
    /** Never an ambassador ({@code --no-ambassador}). */
    OFF
}
