package dev.tide.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/** Creates commands with the {@link CliContext} they run in; everything else picocli creates itself. */
final class CliFactory implements IFactory {

    private final CliContext ctx;
    private final IFactory fallback = CommandLine.defaultFactory();

    CliFactory(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        Constructor<K> withContext;
        try {
            withContext = type.getDeclaredConstructor(CliContext.class);
        } catch (NoSuchMethodException e) {
            return fallback.create(type);
        }
        return withContext.newInstance(ctx);
    }
}
