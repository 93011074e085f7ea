package dev.tide.cli;

import picocli.CommandLine.TypeConversionException;

/**
 * One {@code --option NAME=VALUE}: a backend option given as text, such as {@code mem.max-messages=1000}.
 *
 * @param name the option's name, prefixed with a backend's scheme and a dot
 * @param value its text; may be empty, may contain {@code =}
 */
record Setting(String name, String value) {

    /**
     * Splits {@code NAME=VALUE} at the first {@code =}.
     *
     * @param text the option's argument
     * @return the setting
     * @throws TypeConversionException without a {@code =} or with an empty name
     */
    static Setting parse(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            throw new TypeConversionException("expected NAME=VALUE, such as mem.max-messages=1000, not \"" + text + "\"");
        }
        String name = text.substring(0, eq).strip();
        if (name.isEmpty()) {
            throw new TypeConversionException("the option name before '=' is empty in \"" + text + "\"");
        }
        return new Setting(name, text.substring(eq + 1));
    }

    /** The scheme the name starts with: the text before its first dot, or empty without a dot. */
    String scheme() {
        int dot = name.indexOf('.');
        return dot <= 0 ? "" : name.substring(0, dot);
    }
}
