package io.github.veleroirsa.app;

import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * The configurations under {@code test/configs}: the matrix that the tests and
 * {@code scripts/lint-templates.sh} both synthesize, one file per variant.
 */
final class ConfigMatrix {
    static final Path FOLDER = Path.of("test", "configs");

    private ConfigMatrix() {}

    /** Every configuration file, by name. */
    static List<Path> files() {
        try (Stream<Path> files = Files.list(FOLDER)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            if (all.isEmpty()) {
                throw new AssertionError("no configurations under " + FOLDER);
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static VeleroConfig config(Path file) {
        try {
            return ConfigLoader.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The app's stack for a configuration, in an app the caller may add aspects to first. */
    static VeleroStack stack(App app, VeleroConfig config) {
        return new VeleroStack(app, config.stackNameOrDefault(), StackProps.builder()
                .suppressTemplateIndentation(config.unindented() ? true : null)
                .build(), config);
    }

    static App app() {
        return app(Map.of());
    }

    static App app(Map<String, Object> context) {
        return TestApps.app(context, null);
    }
}
