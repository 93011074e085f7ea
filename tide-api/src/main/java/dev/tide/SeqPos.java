package dev.tide;

/**
 * A position to {@linkplain Consumer#rewind rewind} a consumer to: the beginning of its streams, their
 * end, or the first message whose sequence number is at least n.
 */
public sealed interface SeqPos {

    /** Before the first message still stored. */
    SeqPos BEGINNING = new Beginning();

    /** After the last message stored: only messages sent from now on. */
    SeqPos END = new End();

    /**
     * The first message with a sequence number at least {@code seq}.
     *
     * @param seq the sequence number, read as unsigned
     * @return the position
     */
    static SeqPos at(long seq) {
        return new At(SeqNo.of(seq));
    }

    /**
     * The first message with a sequence number at least {@code seq}.
     *
     * @param seq the sequence number
     * @return the position
     */
    static SeqPos at(SeqNo seq) {
        return new At(seq);
    }

    /** See {@link SeqPos#BEGINNING}. */
    record Beginning() implements SeqPos {
        @Override
        public String toString() {
            return "BEGINNING";
        }
    }

    /** See {@link SeqPos#END}. */
    record End() implements SeqPos {
        @Override
        public String toString() {
            return "END";
        }
    }

    /**
     * See {@link SeqPos#at(SeqNo)}.
     *
     * @param seq the sequence number to start at, inclusive
     */
    record At(SeqNo seq) implements SeqPos {
        /** Checks the sequence number is present. */
        public At {
            java.util.Objects.requireNonNull(seq, "seq");
        }

        @Override
        public String toString() {
            return "at(" + seq + ")";
        }
    }
}
