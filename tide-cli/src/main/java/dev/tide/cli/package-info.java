/**
 * The {@code tide} command line: {@code clock}, {@code relay}, {@code produce}, {@code consume} and
 * {@code demo}, working between any backends on the class path.
 *
 * <p>{@link dev.tide.cli.Tide} is the entry point; everything else is package-private. Each subcommand
 * is one class registered in {@code TideCommand}'s {@code subcommands} list. Commands read and write
 * through a {@code CliContext} (the process's standard streams, or a test's), so they run in-process
 * in tests exactly as they run from {@code bin/tide}.
 *
 * <p>Exit codes: 0 success; 1 a failure (one line {@code tide <command>: <message>} on stderr, plus the
 * stack trace with {@code --verbose}); 2 a usage error; 141 when the reader of standard output went
 * away (as after {@code | head}), without a word.
 */
package dev.tide.cli;
