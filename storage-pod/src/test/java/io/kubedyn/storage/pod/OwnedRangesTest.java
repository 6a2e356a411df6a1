package io.kubedyn.storage.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubedyn.core.HashRange;
import org.junit.jupiter.api.Test;

class OwnedRangesTest {

    @Test
    void allOwnsTheWholeHashSpace() {
        OwnedRanges all = OwnedRanges.parse("all");
        assertThat(all.containsHash(0)).isTrue();
        assertThat(all.containsHash(-1L)).isTrue();
        assertThat(all.covers(HashRange.all())).isTrue();
    }

    @Test
    void iOfNIsTheSameShareTheGatewayGivesTheIthAddress() {
        OwnedRanges middle = OwnedRanges.parse("1/3");
        assertThat(middle.ranges()).containsExactly(HashRange.segment(1, 3));
        assertThat(middle.containsHash(HashRange.segment(0, 3).last())).isFalse();
        assertThat(middle.containsHash(HashRange.segment(1, 3).first())).isTrue();
        assertThat(middle.covers(HashRange.segment(2, 6))).isTrue();
        assertThat(middle.covers(HashRange.segment(1, 2))).isFalse();
    }

    @Test
    void hexPairsAreUnsignedAndInclusive() {
        OwnedRanges ranges = OwnedRanges.parse("0000000000000000-00000000000000ff, 8000000000000000-ffffffffffffffff");
        assertThat(ranges.containsHash(0xff)).isTrue();
        assertThat(ranges.containsHash(0x100)).isFalse();
        assertThat(ranges.containsHash(Long.MIN_VALUE)).isTrue();
        assertThat(ranges.containsHash(-1L)).isTrue();
        assertThat(ranges).hasToString("0x0000000000000000-0x00000000000000ff,0x8000000000000000-0xffffffffffffffff");
    }

    @Test
    void shardMapBoundsWithTheirHexPrefixAreAccepted() {
        OwnedRanges first = OwnedRanges.parse("0x0000000000000000-0x5555555555555554");
        assertThat(first.ranges()).containsExactly(HashRange.segment(0, 3));
        OwnedRanges last = OwnedRanges.parse("0xaaaaaaaaaaaaaaaa-0xffffffffffffffff");
        assertThat(last.ranges()).containsExactly(HashRange.segment(2, 3));
        assertThat(last.containsHash(0xaaaaaaaaaaaaaaa9L)).isFalse();
        assertThat(last.containsHash(-1L)).isTrue();
        assertThat(last).hasToString("0xaaaaaaaaaaaaaaaa-0xffffffffffffffff");
    }

    @Test
    void noneOwnsNothing() {
        OwnedRanges none = OwnedRanges.parse("none");
        assertThat(none.containsHash(0)).isFalse();
        assertThat(none.containsHash(-1L)).isFalse();
        assertThat(none.covers(HashRange.segment(0, 1024))).isFalse();
        assertThat(none).hasToString("none");
    }

    @Test
    void aHandOffTakesARangeOutOfOneOwnedRangeAndAddsItToAnother() {
        OwnedRanges all = OwnedRanges.parse("all");
        OwnedRanges lower = all.without(HashRange.segment(1, 2));
        assertThat(lower.ranges()).containsExactly(HashRange.segment(0, 2));
        OwnedRanges ends = all.without(HashRange.segment(1, 3));
        assertThat(ends.ranges()).containsExactly(HashRange.segment(0, 3), HashRange.segment(2, 3));
        assertThat(ends.intersects(HashRange.segment(1, 3))).isFalse();
        assertThat(ends.with(HashRange.segment(1, 3)))
                .hasToString("0x0000000000000000-0x5555555555555554,0x5555555555555555-0xaaaaaaaaaaaaaaa9,"
                        + "0xaaaaaaaaaaaaaaaa-0xffffffffffffffff");
        assertThat(OwnedRanges.parse("none").with(HashRange.segment(1, 2)).ranges())
                .containsExactly(HashRange.segment(1, 2));
        assertThatThrownBy(() -> lower.without(HashRange.segment(1, 2))).hasMessageContaining("is not owned here");
        assertThatThrownBy(() -> lower.with(HashRange.segment(0, 4))).hasMessageContaining("overlaps");
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> OwnedRanges.parse("0x-0x10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OwnedRanges.parse("0x10-0x1ffffffffffffffff"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OwnedRanges.parse("0x10-0x0f")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OwnedRanges.parse("3/3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OwnedRanges.parse("12")).isInstanceOf(IllegalArgumentException.class);
    }
}
