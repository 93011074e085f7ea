package dev.tide.cli;

import dev.tide.ConsumerMode;
import dev.tide.Durations;
import dev.tide.StreamException;
import dev.tide.StreamUrl;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts option text to values. A conversion failure becomes a usage error (exit 2) whose one line
 * names the option, the text and the accepted forms.
 */
final class Converters {

    private Converters() {
    }

    /** {@code 100ms}, {@code 1s}, {@code 5m}... as {@link Durations#parse}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code proto://nodes/key1,key2}, with a scheme. */
    static final class StreamUrlConverter implements ITypeConverter<StreamUrl> {
        @Override
        public StreamUrl convert(String text) {
            try {
                StreamUrl url = StreamUrl.parse(text);
                url.streamer().requireProtocol();
                return url;
            } catch (StreamException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code NAME=VALUE}. */
    static final class SettingConverter implements ITypeConverter<Setting> {
        @Override
        public Setting convert(String text) {
            return Setting.parse(text);
        }
    }

    /** {@code start} or {@code end}. */
    static final class OffsetConverter implements ITypeConverter<Offset> {
        @Override
        public Offset convert(String text) {
            return choose(Offset.class, text, Offset::text);
        }
    }

    /** {@code real-time}, {@code resumable} or {@code load-balanced}. */
    static final class ModeConverter implements ITypeConverter<ConsumerMode> {
        @Override
        public ConsumerMode convert(String text) {
            return choose(ConsumerMode.class, text, Converters::modeText);
        }
    }

    /** A {@link MessageFormat}'s name. */
    static final class FormatConverter implements ITypeConverter<MessageFormat> {
        @Override
        public MessageFormat convert(String text) {
            return choose(MessageFormat.class, text, MessageFormat::text);
        }
    }

    /** The command-line name of a consumer mode: {@code real-time}, {@code resumable}, {@code load-balanced}. */
    static String modeText(ConsumerMode mode) {
        return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <E extends Enum<E>> E choose(Class<E> type, String text,
            Function<E, String> name) {
        String wanted = text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (E e : type.getEnumConstants()) {
            if (name.apply(e).equals(wanted) || name.apply(e).replace("-", "").equals(wanted)) {
                return e;
            }
        }
        throw new TypeConversionException("expected one of "
                + Arrays.stream(type.getEnumConstants()).map(name).collect(Collectors.joining(", "))
                + ", not \"" + text + "\"");
    }
}
