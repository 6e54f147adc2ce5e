package io.github.veleroirsa.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.veleroirsa.TestApps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awscdk.assertions.Template;

/** One run of {@link VeleroApp#run} into a fresh output folder, as {@code cdk synth} would do it. */
record AppRun(int status, String err, Path outdir) {

    /** Runs the app with this {@code velero} context value (a JSON text, as {@code -c velero=...} passes it). */
    static AppRun of(String veleroJson, String account, String region) {
        return of(Map.of(ConfigLoader.CONTEXT_KEY, veleroJson), account, region);
    }

    static AppRun of(Map<String, Object> context, String account, String region) {
        return of(context, account, region, true);
    }

    /** As {@link #of(Map, String, String)}; {@code byCli} false runs the app as {@code java} would, outside the CDK CLI. */
    static AppRun of(Map<String, Object> context, String account, String region, boolean byCli) {
        try {
            Path outdir = Files.createTempDirectory("velero-irsa-test");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status;
            try (PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                status = VeleroApp.run(TestApps.app(context, outdir), account, region, byCli, errStream);
            }
            return new AppRun(status, err.toString(StandardCharsets.UTF_8), outdir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files the run wrote. */
    List<String> files() {
        try (Stream<Path> files = Files.list(outdir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode json(String file) {
        try {
            return TestApps.JSON.readTree(outdir.resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode template(String stackName) {
        return json(stackName + ".template.json");
    }

    Template cdkTemplate(String stackName) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = TestApps.JSON.convertValue(template(stackName), Map.class);
        return Template.fromJSON(map);
    }
}
