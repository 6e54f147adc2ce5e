package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The configurations of the last release (the commit that last wrote api/public-api.txt), as
 * they are, synthesize with this tree into {@code target/upgrade/<configuration>/}, construct
 * paths included as the CDK CLI writes them: what CI's upgrade check (.ci/upgrade-check.sh)
 * compares with the release's own templates. A configuration a user had must still synthesize.
 */
class UpgradeTemplatesTest {
    static final Path OUT = Path.of("target", "upgrade");

    static String git(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Stream.concat(Stream.of("git"), Stream.of(args)).toList()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? out : null;
    }

    static Stream<String> releaseConfigurations() throws IOException, InterruptedException {
        String base = git("log", "-1", "--format=%H", "--", "api/public-api.txt");
        Assumptions.assumeTrue(base != null && !base.isBlank(), "a git checkout with the release's commit");
        String list = git("ls-tree", "--name-only", base.strip(), "test/configs/");
        return list.lines().filter(l -> l.endsWith(".json")).map(l -> base.strip() + ":" + l).toList().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releaseConfigurations")
    void aConfigurationOfTheReleaseSynthesizesWithoutAMessage(String object) throws Exception {
        String json = git("show", object);
        assertThat(json).as(object).isNotNull();
        String name = object.substring(object.lastIndexOf('/') + 1).replace(".json", "");
        MatrixTemplatesTest.synthesizeInto(OUT.resolve(name), Map.of(ConfigLoader.CONTEXT_KEY, json,
                "aws:cdk:enable-path-metadata", true));
    }
}
