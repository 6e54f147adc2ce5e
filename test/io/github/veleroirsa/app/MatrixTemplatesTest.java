package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.veleroirsa.TestApps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every configuration of the matrix synthesizes, as the app does for {@code cdk synth}, with no
 * message, into {@code target/matrix/<configuration>/}: the templates that CI's cfn-lint and
 * checkov read (one JVM for the whole matrix, instead of a CDK CLI run per configuration).
 */
class MatrixTemplatesTest {
    static final Path OUT = Path.of("target", "matrix");

    static Stream<Path> configurations() {
        return ConfigMatrix.files().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void synthesizesWithoutAMessage(Path file) throws IOException {
        String name = file.getFileName().toString().replace(".json", "");
        synthesizeInto(OUT.resolve(name), Map.of(ConfigLoader.CONTEXT_KEY, Files.readString(file)));
    }

    /**
     * Synthesizes the app with this context into {@code outdir}, emptied first, as {@code cdk
     * synth} does: no message, exit 0, a template at least.
     */
    static void synthesizeInto(Path outdir, Map<String, Object> context) throws IOException {
        if (Files.exists(outdir)) {
            try (Stream<Path> old = Files.walk(outdir)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(outdir);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = VeleroApp.run(TestApps.app(context, outdir), null, null, true, stream);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).as(outdir.toString()).isEmpty();
        assertThat(status).isZero();
        try (Stream<Path> files = Files.list(outdir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".template.json"))).isNotEmpty();
        }
    }
}
