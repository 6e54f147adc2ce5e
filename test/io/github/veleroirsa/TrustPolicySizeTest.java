package io.github.veleroirsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;

/** IAM's limit on the trust policy's length is enforced at synthesis, at the exact boundary. */
public class TrustPolicySizeTest {

    /**
     * The trust policy's size as IAM counts it, worked out here from the template alone: compact
     * JSON, whitespace not counted, the partition at its longest name (aws-us-gov) and the
     * account at 12 digits.
     */
    public static int oracleSize(Template template) {
        return oracleSize(TestApps.only(template, "AWS::IAM::Role"));
    }

    /** {@link #oracleSize(Template)} of one role resource of a template. */
    public static int oracleSize(JsonNode role) {
        JsonNode doc = role.at("/Properties/AssumeRolePolicyDocument");
        try {
            String json = TestApps.JSON.writeValueAsString(substitute(doc.deepCopy()));
            return json.replaceAll("\\s", "").length();
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** The pseudo parameters at their longest: the partition aws-us-gov, a 12-digit account. */
    private static final Map<String, String> LONGEST = Map.of("AWS::Partition", "aws-us-gov",
            "AWS::AccountId", "000000000000");

    private static JsonNode substitute(JsonNode node) {
        if (node.isObject() && (node.has("Ref") || node.has("Fn::Join"))) {
            return TextNode.valueOf(Intrinsics.resolve(node, LONGEST::get));
        }
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            o.properties().forEach(e -> e.setValue(substitute(e.getValue())));
            return o;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, substitute(node.get(i)));
            }
        }
        return node;
    }

    /** n clusters with issuers as EKS writes them. */
    static List<EksCluster> clusters(int n) {
        List<EksCluster> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(EksCluster.builder().name("cluster-" + i)
                    .oidcIssuer(String.format("oidc.eks.ap-southeast-2.amazonaws.com/id/%032X", 0xC0FFEEL + i))
                    .build());
        }
        return out;
    }

    static Template synth(int clusters, int limit) {
        return TestApps.construct(VeleroBackupProps.builder()
                .clusters(clusters(clusters)).maxTrustPolicyLength(limit).build());
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {2048, 4096})
    void theLargestClusterCountThatFitsPassesAndOneMoreFails(int limit) {
        // Grow the list with the check out of the way, measuring each template here.
        int fits = 0;
        int overSize;
        while (true) {
            int size = oracleSize(synth(fits + 1, 8192));
            if (size > limit) {
                overSize = size;
                break;
            }
            fits++;
        }
        assertThat(fits).as("clusters that fit in %d", limit).isPositive();
        System.out.printf("trust policy limit %d: %d clusters fit, %d clusters need %d characters%n",
                limit, fits, fits + 1, overSize);

        assertThat(oracleSize(synth(fits, limit))).isLessThanOrEqualTo(limit);
        int n = fits;
        assertThatThrownBy(() -> synth(n + 1, limit))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getField()).isEqualTo("clusters");
                    assertThat(e.getProblem())
                            .contains("would be " + overSize + " characters, over the limit of " + limit)
                            .contains("the first " + n + " of these " + (n + 1) + " clusters fit")
                            .contains("maxTrustPolicyLength")
                            .contains("Role trust policy length")
                            .contains("split across several roles");
                });
        // Far over the limit, the count that fits is still the one measured above.
        assertThatThrownBy(() -> synth(3 * n + 2, limit))
                .hasMessageContaining("the first " + n + " of these " + (3 * n + 2) + " clusters fit");
    }

    @Test
    void theDefaultLimitIsIamsDefaultQuota() {
        // One cluster more than fits at 2048 fails without any limit given.
        int fits = 0;
        while (oracleSize(synth(fits + 1, 8192)) <= 2048) {
            fits++;
        }
        int n = fits + 1;
        assertThatThrownBy(() -> TestApps.construct(TestApps.props(clusters(n).toArray(EksCluster[]::new))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("over the limit of 2048");
        assertThat(VeleroBackupProps.builder().clusters(clusters(1)).build().getMaxTrustPolicyLength())
                .isEqualTo(2048);
    }

    @Test
    void theLongestPartitionIsTheLongestAwsCdkLibKnows() {
        String longest = software.amazon.awscdk.regioninfo.RegionInfo.regionMap(
                software.amazon.awscdk.regioninfo.FactName.PARTITION).values().stream()
                .max(java.util.Comparator.comparingInt(String::length)).orElseThrow();
        assertThat(TrustPolicySize.LONGEST_PARTITION).hasSameSizeAs(longest);
    }

    @Test
    void aPinnedAccountIsCountedAsWrittenAndStillFits() {
        // With the environment known, the ARNs are literal: the size counted is the size IAM sees,
        // no longer the longest partition's, and the clusters that fit unpinned still fit.
        Stack stack = new Stack(TestApps.app(Map.of(), null), "Pinned", StackProps.builder()
                .env(Environment.builder().account("111122223333").region("us-west-2").build()).build());
        VeleroBackup backup = new VeleroBackup(stack, "Velero", VeleroBackupProps.builder().clusters(clusters(4)).build());
        Template template = Template.fromStack(stack);
        JsonNode doc = TestApps.only(template, "AWS::IAM::Role").at("/Properties/AssumeRolePolicyDocument");
        assertThat(doc.toString()).contains("arn:aws:iam::111122223333:oidc-provider/");
        int asWritten = doc.toString().replaceAll("\\s", "").length();
        // Each statement's Sid is written into the template after aws-cdk-lib made the document.
        int sids = 0;
        for (JsonNode statement : doc.get("Statement")) {
            sids += ("\"Sid\":\"" + statement.get("Sid").asText() + "\",").length();
        }
        assertThat(TrustPolicySize.of(stack, ((software.amazon.awscdk.services.iam.Role) backup.getRole())
                .getAssumeRolePolicy()) + sids).isEqualTo(asWritten);
        assertThat(asWritten).isLessThanOrEqualTo(TrustPolicySize.DEFAULT_LIMIT)
                .isLessThan(oracleSize(synth(4, TrustPolicySize.DEFAULT_LIMIT)));
    }

    @Test
    void nothingIsBuiltWhenTheTrustPolicyIsTooLong() {
        Stack stack = new Stack(new App(), "Partial");
        assertThatThrownBy(() -> new VeleroBackup(stack, "Velero", VeleroBackupProps.builder()
                .clusters(clusters(30)).build())).isInstanceOf(InvalidInputException.class);
        // The construct's own node was created, but no resource under it.
        assertThat(stack.getNode().findAll().stream()
                .filter(c -> c instanceof software.amazon.awscdk.CfnResource)).isEmpty();
    }

    @Test
    void statementsAddedAfterwardsAreCheckedAtSynthesis() {
        assertThatThrownBy(() -> TestApps.construct(stack -> {
            VeleroBackup backup = new VeleroBackup(stack, "Velero", VeleroBackupProps.builder()
                    .clusters(clusters(1)).build());
            for (int i = 0; i < 100; i++) {
                ((software.amazon.awscdk.services.iam.Role) backup.getRole()).getAssumeRolePolicy().addStatements(PolicyStatement.Builder.create()
                        .actions(List.of("sts:AssumeRole"))
                        .principals(List.of(new AccountPrincipal(String.format("%012d", 100000000000L + i))))
                        .build());
            }
        })).hasMessageContaining("over maxTrustPolicyLength 2048");
    }

    @ParameterizedTest(name = "maxTrustPolicyLength {0}")
    @ValueSource(ints = {0, -1, 8193})
    void aLimitOutsideWhatIamGrantsIsRefused(int limit) {
        assertThatThrownBy(() -> VeleroBackupProps.builder().clusters(clusters(1)).maxTrustPolicyLength(limit).build())
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getField()).isEqualTo("maxTrustPolicyLength");
                    assertThat(e.getProblem()).startsWith(limit + " is out of range").contains("at most 8192");
                });
    }
}
