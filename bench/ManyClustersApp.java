import io.github.veleroirsa.app.ConfigLoader;
import io.github.veleroirsa.app.VeleroConfig;
import io.github.veleroirsa.app.VeleroStack;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * Benchmark app: N clusters, more than one IAM role can trust, split across roles the way the
 * trust-policy limit message says: a raised quota (8192) and one VeleroStack per group of 16. Used by
 * bench/synth.sh for the 50-cluster case; not part of the product.
 *
 * <p>Usage: java -cp ... ManyClustersApp (reads BENCH_CLUSTERS and BENCH_PER_ROLE).
 */
public final class ManyClustersApp {
    public static void main(String[] args) {
        int clusters = Integer.parseInt(System.getenv().getOrDefault("BENCH_CLUSTERS", "50"));
        int perRole = Integer.parseInt(System.getenv().getOrDefault("BENCH_PER_ROLE", "16"));
        App app = new App();
        for (int group = 0; group * perRole < clusters; group++) {
            List<String> entries = new ArrayList<>();
            for (int i = group * perRole; i < Math.min(clusters, (group + 1) * perRole); i++) {
                entries.add(String.format("{\"name\":\"cluster-%02d\",\"oidcIssuer\":"
                        + "\"https://oidc.eks.us-west-2.amazonaws.com/id/%032X\"}", i, 0xB0B0L + i));
            }
            VeleroConfig config = ConfigLoader.parse("{\"maxTrustPolicyLength\":8192,\"clusters\":[" + String.join(",", entries) + "]}");
            new VeleroStack(app, "VeleroBackup-" + group, StackProps.builder().build(), config);
        }
        app.synth();
    }
}
