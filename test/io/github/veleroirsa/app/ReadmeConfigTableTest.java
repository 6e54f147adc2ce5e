package io.github.veleroirsa.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's configuration table lists every field the app reads, each with a default. */
class ReadmeConfigTableTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Za-z\\[\\].]+)` \\|([^|]*)\\|([^|]*)\\|", Pattern.MULTILINE);

    /** The configuration table of the README: from its header row to the first blank line. */
    static String readme() {
        try {
            String all = Files.readString(Path.of("README.md"));
            int start = all.indexOf("| Field | Type | Default | Meaning |");
            assertThat(start).as("the configuration table's header").isNotNegative();
            int end = all.indexOf("\n\n", start);
            return all.substring(start, end);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documented fields under a prefix ("" for the top level, "clusters[]." for a cluster), sorted. */
    static List<String> documented(String prefix) {
        List<String> out = new ArrayList<>();
        Matcher m = ROW.matcher(readme());
        while (m.find()) {
            String field = m.group(1);
            if (field.startsWith(prefix) && !field.substring(prefix.length()).contains(".")) {
                out.add(field.substring(prefix.length()));
            }
        }
        return out.stream().sorted().toList();
    }

    @Test
    void everyConfigurationFieldIsInTheTable() {
        List<String> top = Arrays.stream(VeleroConfig.class.getRecordComponents()).map(c -> c.getName()).sorted().toList();
        List<String> cluster = Arrays.stream(ClusterConfig.class.getRecordComponents()).map(c -> c.getName())
                .sorted().toList();
        List<String> serviceAccount = Arrays.stream(ClusterConfig.ServiceAccountConfig.class.getRecordComponents())
                .map(c -> c.getName()).sorted().toList();
        assertThat(documented("")).isEqualTo(top);
        assertThat(documented("clusters[].")).isEqualTo(cluster);
        assertThat(documented("clusters[].serviceAccounts[].")).isEqualTo(serviceAccount);
    }

    @Test
    void everyRowSaysItsDefault() {
        Matcher m = ROW.matcher(readme());
        int rows = 0;
        while (m.find()) {
            rows++;
            assertThat(m.group(3).trim()).as(m.group(1)).isNotEmpty();
        }
        assertThat(rows).isGreaterThan(20);
    }
}
