package io.github.veleroirsa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Lazy;
import software.amazon.awscdk.Token;

class RulesTest {
    /** The shortcut that spares jsii calls agrees with aws-cdk-lib, tokens and look-alikes alike. */
    @Test
    void unresolvedAgreesWithAwsCdkLib() {
        List<String> values = List.of(Aws.ACCOUNT_ID, Aws.REGION, Fn.join("-", List.of("a", Aws.PARTITION)),
                "prefix-" + Aws.STACK_NAME + "-suffix", Lazy.string(() -> "later"), "velero", "",
                "${Token[TOKEN.1]}", "Token[", "${Token[not a token]}", "${Token[AWS.AccountId.0]}");
        for (String value : values) {
            assertThat(Rules.unresolved(value)).as(value).isEqualTo(Token.isUnresolved(value));
        }
        assertThat(Rules.unresolved(Aws.ACCOUNT_ID)).isTrue();
        assertThat(Rules.unresolved("velero")).isFalse();
        assertThat(Rules.unresolved(null)).isFalse();
    }
}
