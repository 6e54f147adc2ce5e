package io.github.veleroirsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/** One cluster's wiring as a value, and the construct that makes a stack's wiring outputs. */
class VeleroWiringTest {
    static final String ARN = "arn:aws:iam::111122223333:role/velero/Velero";

    static VeleroWiring wiring(String roleArn, String serviceAccount, String snapshotRegion, boolean nodeAgent) {
        return new VeleroWiring(new VeleroWiring.BackupLocation("default", "velero-backups", "us-west-2", "prod"),
                List.of(), snapshotRegion, roleArn, "velero", serviceAccount,
                VeleroBackupProps.DEFAULT_VELERO_PLUGIN_IMAGE, nodeAgent, false);
    }

    /** The arguments {@code sh} gives the program of a command line: its words after the program's name. */
    static List<String> words(String commandLine) throws Exception {
        String script = "set -- " + commandLine.substring(commandLine.indexOf(' ') + 1)
                + "; for a in \"$@\"; do printf '%s\\0' \"$a\"; done";
        Process p = new ProcessBuilder("sh", "-c", script).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return Arrays.asList(out.substring(0, out.length() - 1).split("\0", -1));
    }

    @Test
    void aRoleArnMeansTheServiceAccountIsAnnotated() throws Exception {
        VeleroWiring irsa = wiring(ARN, "velero", "us-west-2", false);
        assertThat(irsa.annotate()).isTrue();
        assertThat(words(irsa.installCommand())).containsSubsequence("--sa-annotations", "eks.amazonaws.com/role-arn=" + ARN);
        assertThat(irsa.helmValues()).extracting(v -> ((Map<?, ?>) ((Map<?, ?>) v.get("serviceAccount")).get("server"))
                .get("annotations")).isEqualTo(Map.of("eks.amazonaws.com/role-arn", ARN));

        VeleroWiring podIdentity = wiring(null, "velero", "us-west-2", false);
        assertThat(podIdentity.annotate()).isFalse();
        assertThat(words(podIdentity.installCommand())).doesNotContain("--sa-annotations");
        assertThat(podIdentity.toOutput(List.of("a"))).doesNotContainKey("roleArn");
    }

    @Test
    void everyVolumeFromTheFileSystemByDefaultOnlyWithTheNodeAgentAndNoSnapshots() throws Exception {
        assertThat(wiring(ARN, "velero", null, true).defaultVolumesToFsBackup()).isTrue();
        assertThat(words(wiring(ARN, "velero", null, true).installCommand()))
                .contains("--use-node-agent", "--default-volumes-to-fs-backup", "--use-volume-snapshots=false");
        assertThat(wiring(ARN, "velero", "us-west-2", true).defaultVolumesToFsBackup()).isFalse();
        assertThat(words(wiring(ARN, "velero", "us-west-2", true).installCommand()))
                .contains("--use-node-agent").doesNotContain("--default-volumes-to-fs-backup");
        assertThat(wiring(ARN, "velero", null, false).defaultVolumesToFsBackup()).isFalse();
    }

    @Test
    void anAccountNotNamedVeleroComesWithItsManifestAndIsNamedToTheCli() throws Exception {
        VeleroWiring other = wiring(ARN, "velero-rafay", "us-west-2", false);
        assertThat(other.installMakesServiceAccount()).isFalse();
        assertThat(other.serviceAccountManifest()).isNotNull();
        assertThat(words(other.installCommand())).containsSubsequence("--service-account-name", "velero-rafay")
                .doesNotContain("--sa-annotations");
        assertThat(wiring(ARN, "velero", "us-west-2", false).serviceAccountManifest()).isNull();
    }

    @Test
    void aLiteralArgumentWithAShellsSpecialCharactersIsQuoted() throws Exception {
        String arn = "arn:aws:iam::111122223333:role/a'b\"c$(id);`x`\\/Velero";
        List<String> words = words(wiring(arn, "velero", "us-west-2", false).installCommand());
        assertThat(words.get(words.size() - 1)).isEqualTo("\"eks.amazonaws.com/role-arn=" + arn.replace("\"", "\"\"") + "\"");
    }

    static VeleroBackup backup(Stack stack, String id, String clusterName, String issuer) {
        return new VeleroBackup(stack, id, VeleroBackupProps.builder()
                .clusters(List.of(EksCluster.builder().name(clusterName).oidcIssuer(issuer).build())).build());
    }

    @Test
    void twoVeleroBackupsWithWiringInOneStackSynthesize() {
        Stack stack = new Stack(new App(), "Two");
        Map<String, software.amazon.awscdk.CfnOutput> a = backup(stack, "TeamA", "prod", TestApps.ISSUER_A).addWiringOutputs();
        Map<String, software.amazon.awscdk.CfnOutput> b = backup(stack, "TeamB", "prod", TestApps.ISSUER_B).addWiringOutputs();
        JsonNode outputs = TestApps.json(Template.fromStack(stack)).get("Outputs");
        assertThat(outputs.has("WiringProd")).isTrue();
        assertThat(outputs.has("WiringTeamBProd")).isTrue();
        assertThat(stack.resolve(a.get("prod").getLogicalId())).isEqualTo("WiringProd");
        assertThat(stack.resolve(b.get("prod").getLogicalId())).isEqualTo("WiringTeamBProd");
    }

    @Test
    void failsOnASecondCallInOneLine() {
        VeleroBackup backup = backup(new Stack(new App(), "S"), "Velero", "prod", TestApps.ISSUER_A);
        backup.addWiringOutputs();
        assertThatThrownBy(backup::addWiringOutputs).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("addWiringOutputs: this VeleroBackup has its wiring outputs already");
    }
}
