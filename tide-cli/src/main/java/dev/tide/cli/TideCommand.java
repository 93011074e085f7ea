package dev.tide.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top command, {@code tide}. A new subcommand is one more class in {@code subcommands}: a
 * {@code @Command} implementing {@code Callable<Integer>}, with a constructor taking the
 * {@link CliContext}.
 */
@Command(name = "tide",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpWidth = 100,
        synopsisSubcommandLabel = "COMMAND",
        description = "Real-time streams on any backend: produce, consume and relay messages.",
        footer = {"", "Stream URIs are proto://nodes/key1,key2; an empty node list is the local node, as in "
                + "mem:///clock or stdio:///clock.",
                "Run 'tide COMMAND --help' for a command's options."},
        subcommands = {
            ClockCommand.class,
            RelayCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            DemoCommand.class,
            DecodeCommand.class, TailCommand.class, VerifyCommand.class, RepairCommand.class,
            TrimCommand.class, DumpCommand.class,
        })
final class TideCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print its stack trace too.")
    boolean verbose;

    private final CliContext ctx;

    TideCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    /** Without a command: the usage, on stderr, and exit status 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.err());
        return ErrorHandler.EXIT_USAGE;
    }
}
