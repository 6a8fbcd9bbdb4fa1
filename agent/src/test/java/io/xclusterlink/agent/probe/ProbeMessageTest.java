package io.xclusterlink.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ProbeMessageTest {
  @Test
  void aRequestIsSixteenBytesAndOnlyAnExactMessageOfItsTypeIsAccepted() {
    ByteBuffer b = ByteBuffer.allocate(17);
    ProbeMessage.write(b, ProbeMessage.REQUEST, 0x0102030405060708L);
    assertThat(b.remaining()).isEqualTo(16);
    assertThat(ProbeMessage.is(b, ProbeMessage.REQUEST)).isTrue();
    assertThat(ProbeMessage.is(b, ProbeMessage.REPLY)).isFalse();
    assertThat(ProbeMessage.token(b)).isEqualTo(0x0102030405060708L);
    b.limit(17);
    assertThat(ProbeMessage.is(b, ProbeMessage.REQUEST)).as("one byte too long").isFalse();
    b.limit(16).put(0, (byte) 'Y');
    assertThat(ProbeMessage.is(b, ProbeMessage.REQUEST)).as("wrong magic").isFalse();
  }

  @Test
  void aHintNamesAnOverlayAddressAndItsLastFourBytesMustBeZero() {
    ByteBuffer b = ByteBuffer.allocate(17);
    ProbeMessage.writeHint(b, ProbeMessage.HINT, 0x0a640001);
    assertThat(ProbeMessage.is(b, ProbeMessage.HINT)).isTrue();
    assertThat(ProbeMessage.is(b, ProbeMessage.RELAYED)).isFalse();
    assertThat(ProbeMessage.hinted(b)).isEqualTo(0x0a640001);
    b.putInt(12, 1);
    assertThat(ProbeMessage.is(b, ProbeMessage.HINT)).as("trailing bytes not zero").isFalse();
  }
}
