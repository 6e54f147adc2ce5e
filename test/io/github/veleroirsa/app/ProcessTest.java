package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.veleroirsa.TestApps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app as its own process, the way the CDK CLI starts it: context in {@code CDK_CONTEXT_JSON},
 * output folder in {@code CDK_OUTDIR}. What the user sees is the exit status and stderr.
 */
class ProcessTest {

    record Result(int status, String out, String err, List<String> files) {}

    static Result run(Map<String, Object> context, Path outdir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), VeleroApp.class.getName());
        pb.environment().put("CDK_CONTEXT_JSON", TestApps.JSON.writeValueAsString(context));
        pb.environment().put("CDK_OUTDIR", outdir.toString());
        pb.environment().remove("CDK_DEFAULT_ACCOUNT");
        Path out = Files.createTempFile(outdir.getParent(), "out", ".txt");
        Path err = Files.createTempFile(outdir.getParent(), "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the app did not finish in 120 s");
        }
        List<String> files;
        try (Stream<Path> list = Files.exists(outdir) ? Files.list(outdir) : Stream.empty()) {
            files = list.map(f -> f.getFileName().toString()).sorted().toList();
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), files);
    }

    @Test
    void aBadConfigExitsNonZeroWithOneMessageNoStackTraceAndNoTemplate(@TempDir Path dir) throws Exception {
        Path outdir = dir.resolve("cdk.out");
        Result r = run(Map.of("velero", "{\"clusters\":[{\"name\":\"backup\",\"oidcIssuer\":"
                + "\"oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1\","
                + "\"namespace\":\"Velero_NS\"}]}"), outdir);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("velero-irsa: invalid configuration (context velero): clusters[0].namespace:"
                + " \"Velero_NS\" is not a valid namespace");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
        assertThat(r.files()).noneMatch(f -> f.endsWith(".template.json"));
    }

    @Test
    void aGoodConfigWritesTheTemplateAndExitsZero(@TempDir Path dir) throws Exception {
        // The same harness on a good configuration: the checks above are not passing by accident.
        Result r = run(Map.of("velero", Files.readString(ConfigMatrix.FOLDER.resolve("one-cluster.json"))),
                dir.resolve("cdk.out"));
        assertThat(r.err()).isEmpty();
        assertThat(r.status()).isZero();
        assertThat(r.files()).contains("VeleroBackup.template.json");
    }
}
