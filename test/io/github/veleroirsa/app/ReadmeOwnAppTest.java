package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's "own CDK app" is examples/own-app, file for file: CI builds and synthesizes that
 * folder outside the repository, so what a user pastes is what CI proved.
 */
class ReadmeOwnAppTest {
    static final Path APP = Path.of("examples", "own-app");

    @Test
    void everyFileOfTheExampleAppStandsWholeInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(APP)) {
            files = walk.filter(Files::isRegularFile).filter(f -> !f.toString().contains("target")
                    && !f.toString().contains("cdk.out")).sorted().toList();
        }
        assertThat(files).extracting(f -> APP.relativize(f).toString()).containsExactlyInAnyOrder("pom.xml",
                "cdk.json", ".mvn/jvm.config", ".mvn/maven.config", "src/main/java/com/example/PlatformBackupsApp.java");
        for (Path f : files) {
            assertThat(readme).as("README holds %s as a whole code block", f).contains("\n" + Files.readString(f) + "```\n");
        }
    }
}
