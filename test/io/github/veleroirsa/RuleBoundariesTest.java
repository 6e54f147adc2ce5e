package io.github.veleroirsa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.OidcProviderNative;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.s3.Bucket;

/**
 * Each rule of ours on a value that aws-cdk-lib checks too, held against aws-cdk-lib's own check
 * on the pairs around its boundaries (the last value that passes, the first that fails): every
 * value ours accepts, aws-cdk-lib accepts, so a value never passes ours to fail inside aws-cdk-lib
 * without its field. Where ours is stricter, the values are listed with the reason.
 *
 * <p>aws-cdk-lib 2.263.0's checks: {@code Role}'s {@code validateRolePath} ({@code /^(\/|\/[\u0021-\u007F]+\/)$/},
 * 1 to 512), its role name ({@code /^[\w+=,.@-]{1,64}$/}) and session duration (3600 to 43200 s);
 * {@code Bucket}'s {@code validateBucketName}; {@code OidcProviderNative}'s URL (https://, at most
 * 255); {@code Stack}'s name ({@code /^[A-Za-z][A-Za-z0-9-]*$/}, at most 128). Tags, managed
 * policy descriptions and output descriptions it does not check; statement IDs ours are constants.
 */
class RuleBoundariesTest {
    static boolean theirs(Consumer<Stack> build) {
        try {
            build.accept(new Stack(new App(), "S"));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static boolean ours(Predicate<String> rule, String value) {
        try {
            return rule.test(value);
        } catch (InvalidInputException e) {
            return false;
        }
    }

    /** Every value ours accepts, theirs accepts; returns the values only theirs accepts. */
    static List<String> compare(List<String> values, Predicate<String> ours, Predicate<String> theirs) {
        List<String> stricter = new ArrayList<>();
        for (String v : values) {
            boolean o = ours(ours, v);
            boolean t = theirs.test(v);
            assertThat(!o || t).as("ours accepts %s, aws-cdk-lib refuses it", InvalidInputException.quote(v)).isTrue();
            if (t && !o) {
                stricter.add(v);
            }
        }
        return stricter;
    }

    @Test
    void rolePath() {
        List<String> values = List.of("/", "//", "///", "/a/", "/a", "a/", "a", "", "/ /", "/!/", "/~/", "/\u007F/",
                "/é/", "/a b/", "/" + "a".repeat(510) + "/", "/" + "a".repeat(511) + "/", "/a'b\"c\\d$/");
        List<String> stricter = compare(values, v -> Rules.ROLE_PATH.check("rolePath", v) != null,
                v -> theirs(s -> Role.Builder.create(s, "R").assumedBy(new AccountRootPrincipal()).path(v).build()));
        // DEL (U+007F): aws-cdk-lib's range ends there, IAM's at '~' (U+007E).
        assertThat(stricter).containsExactly("/\u007F/");
    }

    @Test
    void roleName() {
        List<String> values = List.of("a", "A-z_0+=,.@", "x".repeat(64), "x".repeat(65), "a b", "a/b", "a:b", "é");
        assertThat(compare(values, v -> Rules.ROLE_NAME.check("roleName", v) != null,
                v -> theirs(s -> Role.Builder.create(s, "R").assumedBy(new AccountRootPrincipal()).roleName(v).build())))
                .isEmpty();
    }

    @Test
    void maxSessionDuration() {
        for (int seconds : new int[] {3599, 3600, 43200, 43201}) {
            String v = String.valueOf(seconds);
            VeleroBackupProps.Builder props = VeleroBackupProps.builder().clusters(List.of(TestApps.cluster("a",
                    TestApps.ISSUER_A)));
            boolean o = ours(x -> props.maxSessionDuration(Duration.seconds(seconds)).build() != null, v);
            boolean t = theirs(s -> Role.Builder.create(s, "R").assumedBy(new AccountRootPrincipal())
                    .maxSessionDuration(Duration.seconds(seconds)).build());
            assertThat(o).as("%d s", seconds).isEqualTo(t);
        }
    }

    @Test
    void bucketName() {
        List<String> values = List.of("ab", "abc", "a".repeat(63), "a".repeat(64), "a..b", "a.-b", "a-.b", "-ab", "ab-",
                ".ab", "Abc", "a_b", "192.168.1.1", "192.168.1.1a", "xn--abc", "sthree-abc", "amzn-s3-demo-abc",
                "abc-s3alias", "abc--ol-s3", "abc.mrap", "abc--x-s3", "abc--table-s3", "a.b-c9");
        List<String> stricter = compare(values, v -> Rules.bucketName("bucketName", v) != null,
                v -> theirs(s -> Bucket.Builder.create(s, "B").bucketName(v).build()));
        // S3's reserved prefixes and suffixes, which aws-cdk-lib does not know.
        assertThat(stricter).containsExactlyInAnyOrder("xn--abc", "sthree-abc", "amzn-s3-demo-abc", "abc-s3alias",
                "abc--ol-s3", "abc.mrap", "abc--x-s3", "abc--table-s3");
    }

    @Test
    void oidcProviderUrl() {
        String prefix = "https://oidc.example.com/";
        List<String> values = List.of(prefix + "a".repeat(255 - prefix.length()), prefix + "a".repeat(256 - prefix.length()),
                "https://oidc.example.com", "http://oidc.example.com/a", TestApps.ISSUER_A, "HTTPS://oidc.example.com/a");
        List<String> stricter = compare(values, v -> EksCluster.builder().name("a").oidcIssuer(v).nonEksIssuer(true).build()
                        .getOidcIssuerUrl() != null,
                v -> theirs(s -> OidcProviderNative.Builder.create(s, "P").url(v).clientIds(List.of("sts.amazonaws.com")).build()));
        assertThat(stricter).isEmpty();
    }

    @Test
    void stackName() {
        List<String> values = List.of("a", "A-1", "x".repeat(128), "x".repeat(129), "1a", "-a", "a_b", "a b", "");
        for (String v : values) {
            boolean o = ours(x -> io.github.veleroirsa.app.ConfigLoader.parse("{\"stackName\":"
                    + TestApps.JSON.valueToTree(x) + ",\"clusters\":[{\"name\":\"a\",\"oidcIssuer\":\""
                    + TestApps.ISSUER_A + "\"}]}") != null, v);
            boolean t;
            try {
                new Stack(new App(), v);
                t = true;
            } catch (RuntimeException e) {
                t = false;
            }
            assertThat(!o || t).as("stack name %s", v).isTrue();
        }
    }
}
