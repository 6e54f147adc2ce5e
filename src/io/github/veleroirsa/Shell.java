package io.github.veleroirsa;

import java.util.List;
import java.util.regex.Pattern;
import software.amazon.awscdk.Fn;

/**
 * POSIX {@code sh} quoting for the command lines the wiring prints, so that whatever an argument
 * holds reaches the program as one word, unchanged, and nothing in it runs.
 */
final class Shell {
    private Shell() {}

    /**
     * Each argument with a token, quoted once (CONTRIBUTING, Performance): a fleet's wirings
     * share the bucket and region arguments. Tokens are unique to the process, so a key never
     * stands for two values; the oldest entries go past {@value #REMEMBERED}.
     */
    private static final int REMEMBERED = 1024;
    private static final java.util.Map<String, String> DEPLOY_TIME = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, String> eldest) {
                    return size() > REMEMBERED;
                }
            });

    /** Characters no POSIX shell treats specially in a word: an argument of only these needs no quotes. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    /**
     * One argument, quoted for {@code sh}: as it is when it needs no quotes, else in single quotes,
     * where nothing is special but the single quote itself, written {@code '\''}. An argument
     * that holds a token (a value known at deploy time: the bucket's name, the role's ARN, the
     * region) is quoted the same way by CloudFormation as it deploys: {@code Fn::Split} on
     * {@code '} and {@code Fn::Join} with {@code '\''}, in single quotes, so that no deploy-time
     * value can end the quotes either.
     */
    static String quote(String arg) {
        if (Rules.hasTokenMarker(arg)) {
            // Split and joined by CloudFormation; a literal that only looks like a token is
            // split and joined by aws-cdk-lib at synthesis, to the same quoting.
            return DEPLOY_TIME.computeIfAbsent(arg, a -> "'" + Fn.join("'\\''", Fn.split("'", a)) + "'");
        }
        if (PLAIN.matcher(arg).matches()) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** A command line of these arguments, each {@link #quote quoted}. */
    static String command(List<String> args) {
        StringBuilder out = new StringBuilder();
        for (String arg : args) {
            out.append(out.length() == 0 ? "" : " ").append(quote(arg));
        }
        return out.toString();
    }
}
