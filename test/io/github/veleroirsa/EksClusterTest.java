package io.github.veleroirsa;

import static io.github.veleroirsa.TestApps.ISSUER_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EksClusterTest {
    static final String HOST_PATH = ISSUER_A.substring("https://".length());

    private static EksCluster.Builder valid() {
        return EksCluster.builder().name("backup").oidcIssuer(ISSUER_A);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1",
        "https://oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1/",
        "oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1",
        "oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1/"})
    void acceptsTheIssuerWithOrWithoutSchemeAndTrailingSlash(String issuer) {
        EksCluster c = valid().oidcIssuer(issuer).build();
        assertThat(c.getOidcIssuer()).isEqualTo(HOST_PATH);
        assertThat(c.getOidcIssuerUrl()).isEqualTo("https://" + HOST_PATH);
    }

    @Test
    void defaultsToVelerosOwnNamespaceAndServiceAccount() {
        EksCluster c = valid().build();
        assertThat(c.getSubject()).isEqualTo("system:serviceaccount:velero:velero");
        assertThat(c.getOidcProviderArn()).isNull();
    }

    static final String HEX = "17562E53EA93EE98AA800738265ECFE1";

    @ParameterizedTest
    @ValueSource(strings = {
        "http://oidc.eks.us-west-1.amazonaws.com/id/" + HEX,
        "ftp://oidc.eks.us-west-1.amazonaws.com/id/" + HEX})
    void failsOnASchemeOtherThanHttps(String issuer) {
        assertThatThrownBy(() -> valid().oidcIssuer(issuer).nonEksIssuer(true).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("cluster \"backup\": oidcIssuer: \"" + issuer + "\" is not an https URL (expected https://oidc.eks.");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://oidc.eks.us-west-2.amazonaws.com/id/" + HEX,
        "oidc.eks.us-west-2.amazonaws.com/id/" + HEX,
        "https://oidc.eks.us-west-2.amazonaws.com/id/" + HEX + "/",
        "https://oidc.eks.us-gov-west-1.amazonaws.com/id/" + HEX,
        "https://oidc.eks.ap-southeast-12.amazonaws.com/id/" + HEX,
        "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/" + HEX})
    void acceptsAnEksIssuerAndTakesItsRegion(String issuer) {
        EksCluster c = valid().oidcIssuer(issuer).build();
        assertThat(c.getOidcIssuer()).isEqualTo(issuer.replaceFirst("^https://", "").replaceFirst("/$", ""));
        assertThat(c.getRegion()).isEqualTo(issuer.replaceFirst(".*oidc\\.eks\\.", "").replaceFirst("\\.amazonaws.*", ""));
    }

    /** Each differs from an EKS issuer by one thing: none is EKS's, and without nonEksIssuer each is refused. */
    @ParameterizedTest
    @ValueSource(strings = {
        "https://evil.example.com/id/" + HEX,
        "https://oidc.eks.us-west-1.amazonaws.com/id/" + HEX + "/../../x",
        "https://oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA",
        "https://oidc.eks.us-west-1.amazonaws.com/id/" + HEX + "0",
        "https://oidc.eks.us-west-1.amazonaws.com/id/17562e53ea93ee98aa800738265ecfe1",
        "https://oidc.eks.us-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        "https://oidc.eks.us-west-1.amazonaws.com/id/" + HEX + "/x",
        "https://oidc.eks.us-west-1.amazonaws.com/id/" + HEX + "?x=1",
        "https://oidc.eks.us-west-1.amazonaws.com/id/" + HEX + "#f",
        "https://oidc.eks.us-west-1.amazonaws.com:443/id/" + HEX,
        "https://oidc.eks.us-west-1.amazonaws.com//id/" + HEX,
        "https://oidc.eks.us-west-1.amazonaws.com/id/" + HEX + "//",
        "https://OIDC.eks.us-west-1.amazonaws.com/id/" + HEX,
        " https://oidc.eks.us-west-1.amazonaws.com/id/" + HEX,
        "https://oidc.eks.us-west-1.amazonaws.com.evil.example.com/id/" + HEX,
        "https://oidc.eks.us-west-1.amazonaws.com/ID/" + HEX,
        "", "https://", "oidc"})
    void failsOnAnIssuerThatIsNotEksToTheCharacterNamingBothWaysOut(String issuer) {
        assertThatThrownBy(() -> valid().oidcIssuer(issuer).build())
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> {
                    InvalidInputException bad = (InvalidInputException) e;
                    assertThat(bad.getField()).isEqualTo("oidcIssuer");
                    assertThat(bad.getProblem()).startsWith(InvalidInputException.quote(issuer) + " is not an EKS"
                            + " cluster's OIDC issuer").contains("/id/<32 hexadecimal digits").contains("nonEksIssuer true");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://oidc.eks.cn-north-1.amazonaws.com/id/" + HEX,
        "https://oidc.eks.us-west-2.amazonaws.com.cn/id/" + HEX})
    void failsOnAnEksIssuerUnderTheOtherPartitionsDomain(String issuer) {
        assertThatThrownBy(() -> valid().oidcIssuer(issuer).nonEksIssuer(true).build())
                .hasMessageStartingWith("cluster \"backup\": oidcIssuer: " + InvalidInputException.quote(issuer) + " names region")
                .hasMessageContaining("(expected the partition's domain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://oidc.example.com", "https://kops-oidc.s3.us-east-1.amazonaws.com/prod.k8s.local",
        "oidc.example.com/a/b-c/d_e~f.g", "https://issuer.internal.example.com/clusters/1/"})
    void acceptsAnIssuerThatIsNotEksWithTheOptIn(String issuer) {
        EksCluster c = valid().oidcIssuer(issuer).nonEksIssuer(true).build();
        assertThat(c.getOidcIssuerUrl()).isEqualTo("https://" + issuer.replaceFirst("^https://", "").replaceFirst("/$", ""));
        assertThat(c.getRegion()).as("no region: it names none").isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://oidc.example.com/a/../b", "https://oidc.example.com/a/./b", "https://oidc.example.com/..",
        "https://oidc.example.com//a", "https://oidc.example.com/a//b", "https://oidc.example.com/a//",
        "https://oidc.example.com/a?x=1", "https://oidc.example.com/a#f", "https://oidc.example.com:8443/a",
        "https://user@oidc.example.com/a", "https://10.0.0.1/a", "https://localhost/a", "https://-oidc.example.com/id",
        "https://127.0.0.0x1/", "https://127.0x1/a", "https://169.254.169.0xfe/latest", "https://a.0x7f",
        "https://OIDC.example.com/a", "https://oidc.example.com/a%2F..", "https://oidc.example.com/a b"})
    void failsOnAnIssuerThatIsNotAnHttpsUrlOfADnsHostAndAPlainPathEvenWithTheOptIn(String issuer) {
        assertThatThrownBy(() -> valid().oidcIssuer(issuer).nonEksIssuer(true).build())
                .hasMessageStartingWith("cluster \"backup\": oidcIssuer: " + InvalidInputException.quote(issuer) + " is not an OIDC issuer URL")
                .hasMessageContaining("no port, query, fragment, empty segment, '.' or '..'");
    }

    @Test
    void failsOnAnEksLookingHostThatIsNotAnEksIssuerEvenWithTheOptIn() {
        String issuer = "https://oidc.eks.us-west-1.amazonaws.com/id/17562E";
        assertThatThrownBy(() -> valid().oidcIssuer(issuer).nonEksIssuer(true).build())
                .hasMessageStartingWith("cluster \"backup\": oidcIssuer: " + InvalidInputException.quote(issuer) + " has an EKS issuer's host");
    }

    @Test
    void acceptsAnIssuerUrlOf255CharactersAndFailsOn256() {
        String prefix = "https://oidc.example.com/";
        String at255 = prefix + "a".repeat(255 - prefix.length());
        assertThat(valid().oidcIssuer(at255).nonEksIssuer(true).build().getOidcIssuerUrl()).hasSize(255);
        assertThatThrownBy(() -> valid().oidcIssuer(at255 + "a").nonEksIssuer(true).build())
                .hasMessageStartingWith("cluster \"backup\": oidcIssuer: \"" + at255.substring(0, 200) + "\"... (256 characters) is 256"
                        + " characters long as an https URL (expected at most 255");
    }

    @Test
    void acceptsA63CharacterNamespaceAndFailsOn64() {
        assertThat(valid().namespace("n".repeat(63)).build().getNamespace()).hasSize(63);
        assertBreaks(valid().namespace("n".repeat(64)), "namespace", Rules.NAMESPACE, "n".repeat(64));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Velero_NS", "velero.ns", "-velero", "velero-", "VELERO"})
    void failsOnANamespaceThatIsNotADns1123Label(String namespace) {
        assertBreaks(valid().namespace(namespace), "namespace", Rules.NAMESPACE, namespace);
    }

    @Test
    void acceptsA253CharacterServiceAccountAndFailsOn254() {
        String at253 = ("a".repeat(62) + ".").repeat(4) + "a";
        assertThat(at253).hasSize(253);
        assertThat(valid().serviceAccount(at253).build().getServiceAccount()).isEqualTo(at253);
        assertBreaks(valid().serviceAccount(at253 + "a"), "serviceAccount", Rules.SERVICE_ACCOUNT, at253 + "a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Velero", "velero_sa", "velero..sa", ".velero", "velero.", "velero sa"})
    void failsOnAServiceAccountThatIsNotADns1123Subdomain(String serviceAccount) {
        assertBreaks(valid().serviceAccount(serviceAccount), "serviceAccount", Rules.SERVICE_ACCOUNT, serviceAccount);
    }

    @Test
    void acceptsA100CharacterNameAndFailsOn101() {
        assertThat(valid().name("c".repeat(100)).build().getName()).hasSize(100);
        assertBreaks(valid().name("c".repeat(101)), "name", Rules.CLUSTER_NAME, "c".repeat(101));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-backup", "back/up", "back up", "bäckup"})
    void failsOnANameThatIsNotAnEksClusterName(String name) {
        assertBreaks(valid().name(name), "name", Rules.CLUSTER_NAME, name);
    }

    @Test
    void failsOnAMissingNameAndOnAProviderWithoutIssuer() {
        assertThatThrownBy(() -> EksCluster.builder().oidcIssuer(ISSUER_A).build())
                .hasMessageStartingWith("cluster: name: missing");
        // The issuer is optional in itself (Pod Identity needs none), not with a provider ARN.
        assertThat(EksCluster.builder().name("backup").build().getOidcIssuer()).isNull();
        assertThatThrownBy(() -> EksCluster.builder().name("backup")
                .oidcProviderArn("arn:aws:iam::111122223333:oidc-provider/" + HOST_PATH).build())
                .hasMessageStartingWith("cluster \"backup\": oidcIssuer: missing");
    }

    @Test
    void acceptsTheProviderArnOfItsOwnIssuerInAnyPartition() {
        for (String partition : new String[] {"aws", "aws-cn", "aws-us-gov"}) {
            String arn = "arn:" + partition + ":iam::111122223333:oidc-provider/" + HOST_PATH;
            assertThat(valid().oidcProviderArn(arn).build().getOidcProviderArn()).isEqualTo(arn);
        }
    }

    @Test
    void failsOnAProviderArnOfAnotherIssuer() {
        String arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-1.amazonaws.com/id/OTHER";
        assertThatThrownBy(() -> valid().oidcProviderArn(arn).build())
                .hasMessageStartingWith("cluster \"backup\": oidcProviderArn: \"" + arn + "\" is the provider of"
                        + " \"oidc.eks.us-west-1.amazonaws.com/id/OTHER\", not of this cluster's issuer \"" + HOST_PATH
                        + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "arn:aws:iam::11112222333:oidc-provider/x.example.com",
        "arn:aws:iam:us-west-1:111122223333:oidc-provider/x.example.com",
        "arn:aws:iam::111122223333:role/velero",
        "oidc.eks.us-west-1.amazonaws.com/id/17562E53EA93EE98AA800738265ECFE1"})
    void failsOnAMalformedProviderArn(String arn) {
        assertThatThrownBy(() -> valid().oidcProviderArn(arn).build())
                .hasMessageStartingWith("cluster \"backup\": oidcProviderArn: \"" + arn + "\" is not an IAM OIDC provider ARN");
    }

    /** The cluster is refused for {@code value} in {@code field}, by {@code rule}: the field and the rule, not a retyped sentence. */
    static void assertBreaks(EksCluster.Builder cluster, String field, Rules.Rule rule, String value) {
        assertThatThrownBy(cluster::build).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getField()).isEqualTo(field);
            assertThat(e.getSubject()).as("the cluster is named").isEqualTo(field.equals("name") ? "cluster" : "cluster \"backup\"");
            assertThat(e.getProblem()).isEqualTo(InvalidInputException.quote(value) + " is not " + rule.what()
                    + " (expected " + rule.expected() + ")");
        });
    }
}
