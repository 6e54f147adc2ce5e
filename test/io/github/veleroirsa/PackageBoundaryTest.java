package io.github.veleroirsa;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Other CDK apps depend on the construct package alone: it must not reach into the app. */
class PackageBoundaryTest {
    @Test
    void constructPackageImportsNothingFromTheApp() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.list(Path.of("src/io/github/veleroirsa"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(sources).isNotEmpty();
        for (Path source : sources) {
            assertThat(Files.readString(source)).as(source.toString())
                    .doesNotContain("io.github.veleroirsa.app")
                    .doesNotContain("com.fasterxml.jackson");
        }
    }
}
