package dev.tide.cli;

import dev.tide.StreamKey;
import dev.tide.StreamUrl;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks on option values that the option types alone cannot express; failures are usage errors. */
final class Args {

    private Args() {
    }

    /**
     * The one stream key of a URL given to {@code option}.
     *
     * @param spec the command
     * @param option the option's name, for the message
     * @param url its value
     * @return the key
     * @throws ParameterException unless the URL names exactly one stream
     */
    static StreamKey oneKey(CommandSpec spec, String option, StreamUrl url) {
        if (url.keys().size() != 1) {
            throw new ParameterException(spec.commandLine(), option + " needs exactly one stream key after the last '/', as in "
                    + url.streamer().requireProtocol() + ":///clock (got " + url.keys().size() + ")");
        }
        return url.keys().get(0);
    }

    /**
     * The stream keys of a URL given to {@code option}, at least one.
     *
     * @param spec the command
     * @param option the option's name, for the message
     * @param url its value
     * @return the keys
     * @throws ParameterException if the URL names no stream
     */
    static List<StreamKey> keys(CommandSpec spec, String option, StreamUrl url) {
        if (url.keys().isEmpty()) {
            throw new ParameterException(spec.commandLine(), option + " needs a stream key after the last '/', as in "
                    + url.streamer().requireProtocol() + ":///clock");
        }
        return url.keys();
    }

    /**
     * A count given as {@code --count}: absent means no limit.
     *
     * @param spec the command
     * @param count the value, or null
     * @return the limit, or -1 for none
     * @throws ParameterException for a negative count
     */
    static long limit(CommandSpec spec, Long count) {
        if (count == null) {
            return -1;
        }
        if (count < 0) {
            throw new ParameterException(spec.commandLine(), "--count must not be negative: " + count);
        }
        return count;
    }
}
