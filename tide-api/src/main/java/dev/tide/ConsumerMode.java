package dev.tide;

/** How a consumer reads, and what it remembers. */
public enum ConsumerMode {
    /**
     * Reads what arrives from now on (or from the earliest message with {@link StreamReset#EARLIEST});
     * keeps no position, allows no group and no commit.
     */
    REAL_TIME,
    /**
     * Resumes after a restart from the last message it committed. The group is optional: without one a
     * stable default derived from the host name is used.
     */
    RESUMABLE,
    /**
     * Shares the streams with the other members of its group: each message goes to one member, and the
     * unacknowledged messages of a member that goes away are handed to the others. Requires a group.
     */
    LOAD_BALANCED
}
