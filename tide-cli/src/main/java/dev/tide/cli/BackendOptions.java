package dev.tide.cli;

import dev.tide.ConnectOptions;
import dev.tide.ConsumerOptions;
import dev.tide.ProducerOptions;
import dev.tide.Streamer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Backend options given as text ({@code @Mixin}s). Backends reject option names of their own scheme that
 * they do not know, so connection, consumer and producer options each have their own flag:
 * {@link Connection} ({@code --option}, {@code --connect-timeout}) in every command that connects,
 * {@link ForConsumer} ({@code --consumer-option}) and {@link ForProducer} ({@code --producer-option}) in
 * the commands that read or write. Every name must start with a backend's scheme and a dot.
 */
final class BackendOptions {

    private BackendOptions() {
    }

    /** {@code --option NAME=VALUE} and {@code --connect-timeout D}. */
    static final class Connection {

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(names = "--option", paramLabel = "NAME=VALUE", converter = Converters.SettingConverter.class,
                description = "A connection option of the backend, such as mem.max-messages=1000 or "
                        + "stdio.strict=true; repeatable.")
        List<Setting> settings = new ArrayList<>();

        @Option(names = "--connect-timeout", paramLabel = "D", defaultValue = "5s",
                converter = Converters.DurationConverter.class,
                description = "How long connecting may take (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        /**
         * The connect options.
         *
         * @return the timeout and every {@code --option}
         * @throws ParameterException for a zero timeout or an option not named after a backend's scheme
         */
        ConnectOptions options() {
            checkNames(spec, settings, "--option");
            if (timeout.isZero()) {
                throw new ParameterException(spec.commandLine(), "--connect-timeout must be positive");
            }
            ConnectOptions options = ConnectOptions.defaults().timeout(timeout);
            for (Setting s : settings) {
                options = options.with(s.name(), s.value());
            }
            return options;
        }
    }

    /** {@code --consumer-option NAME=VALUE}. */
    static final class ForConsumer {

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(names = "--consumer-option", paramLabel = "NAME=VALUE", converter = Converters.SettingConverter.class,
                description = "A consumer option of the backend; repeatable.")
        List<Setting> settings = new ArrayList<>();

        /**
         * Adds every {@code --consumer-option} to consumer options.
         *
         * @param base the mode, group and start position
         * @return the options with the backend options added
         * @throws ParameterException for an option not named after a backend's scheme
         */
        ConsumerOptions options(ConsumerOptions base) {
            checkNames(spec, settings, "--consumer-option");
            ConsumerOptions options = base;
            for (Setting s : settings) {
                options = options.with(s.name(), s.value());
            }
            return options;
        }
    }

    /** {@code --producer-option NAME=VALUE}. */
    static final class ForProducer {

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(names = "--producer-option", paramLabel = "NAME=VALUE", converter = Converters.SettingConverter.class,
                description = "A producer option of the backend; repeatable.")
        List<Setting> settings = new ArrayList<>();

        /**
         * The producer options.
         *
         * @return every {@code --producer-option}
         * @throws ParameterException for an option not named after a backend's scheme
         */
        ProducerOptions options() {
            checkNames(spec, settings, "--producer-option");
            ProducerOptions options = ProducerOptions.defaults();
            for (Setting s : settings) {
                options = options.with(s.name(), s.value());
            }
            return options;
        }
    }

    private static void checkNames(CommandSpec spec, List<Setting> settings, String flag) {
        List<String> schemes = Streamer.schemes();
        for (Setting s : settings) {
            if (!schemes.contains(s.scheme())) {
                throw new ParameterException(spec.commandLine(), flag + " \"" + s.name()
                        + "\" is not named after a backend: names start with a scheme and a dot ("
                        + String.join(", ", schemes.stream().map(x -> x + ".").toList()) + ")");
            }
        }
    }
}
