package dev.coffer.archive.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coffer.archive.RecordFixtures;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

  @Test
  void defaultsAreTheRegulatoryFloors() {
    RetentionPolicy p = RetentionPolicy.defaults();
    assertThat(p.version()).isZero();
    assertThat(p.floors()).containsEntry(RetentionClass.COMMUNICATIONS, Period.ofYears(3))
        .containsEntry(RetentionClass.BOOKS, Period.ofYears(6)).containsEntry(RetentionClass.MIFID, Period.ofYears(5));
    assertThat(p.maximum()).isEqualTo(Period.ofYears(7));
    assertThat(p.decide(RecordFixtures.message(1)).period()).isEqualTo(Period.ofYears(3));
  }

  @Test
  void theLongestMatchingRuleWins() {
    RetentionPolicy p = new RetentionPolicy(1, Map.of(), Period.ofYears(7), RetentionClass.COMMUNICATIONS, List.of(
        RetentionPolicy.Rule.channel("whatsapp", RetentionClass.MIFID, Period.ofYears(5)),
        RetentionPolicy.Rule.conversation("conv-1", RetentionClass.BOOKS, Period.ofYears(6)),
        RetentionPolicy.Rule.people(Set.of("+15550000002"), RetentionClass.COMMUNICATIONS, Period.ofYears(4))));
    assertThat(p.decide(RecordFixtures.message(1)).period()).isEqualTo(Period.ofYears(6)); // conv-1
    assertThat(p.decide(RecordFixtures.message(2)).period()).isEqualTo(Period.ofYears(5)); // whatsapp beats 4y person
    assertThat(p.decide(RecordFixtures.message(2)).rule()).contains("channel=whatsapp");
  }

  @Test
  void aRuleBelowItsFloorOrAboveTheMaximumIsRefusedNamingIt() {
    assertThatThrownBy(() -> RetentionPolicy.fromJson(
        "{\"rules\":[{\"channel\":\"wechat\",\"class\":\"mifid\",\"period\":\"P4Y\"}]}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rules[0]").hasMessageContaining("floor");
    assertThatThrownBy(() -> RetentionPolicy.fromJson(
        "{\"rules\":[{\"channel\":\"wechat\",\"class\":\"mifid\",\"period\":\"P8Y\"}]}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximum");
    assertThatThrownBy(() -> RetentionPolicy.fromJson("{\"floors\":{\"communications\":\"P2Y\"}}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("floors.communications");
    assertThatThrownBy(() -> RetentionPolicy.fromJson("{\"floors\":{\"books\":\"P6Y10D\"}}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no days");
    assertThatThrownBy(() -> RetentionPolicy.fromJson("{\"flors\":{}}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown field 'flors'");
  }

  @Test
  void jsonRoundTrips() {
    RetentionPolicy p = new RetentionPolicy(3, Map.of(RetentionClass.COMMUNICATIONS, Period.ofYears(4)), Period.ofYears(7),
        RetentionClass.MIFID, List.of(RetentionPolicy.Rule.people(Set.of("+1", "+2"), RetentionClass.BOOKS, Period.ofYears(7))));
    assertThat(RetentionPolicy.fromJson(p.toJson())).isEqualTo(p);
  }
}
