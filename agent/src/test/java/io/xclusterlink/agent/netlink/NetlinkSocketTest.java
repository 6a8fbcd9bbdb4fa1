package io.xclusterlink.agent.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class NetlinkSocketTest {
  static final int SEQ = 7;

  /** A datagram of netlink headers: each {type, flags, seq, length} (no payload but an errno). */
  static ByteBuffer datagram(int[]... messages) {
    ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    for (int[] m : messages) {
      int at = b.position();
      b.putInt(m[3]).putShort((short) m[0]).putShort((short) m[1]).putInt(m[2]).putInt(0);
      while (b.position() < at + NetlinkSocket.align(m[3])) {
        b.put((byte) 0);
      }
    }
    return b.flip();
  }

  @Test
  void aDumpEndsAtItsDoneAndNotesAnInterruption() {
    int newLink = 16;
    assertThat(NetlinkSocket.scanDumpReply(datagram(new int[] {newLink, 2, SEQ, 32}), SEQ, "x"))
        .isZero();
    assertThat(
            NetlinkSocket.scanDumpReply(
                datagram(new int[] {newLink, 2, SEQ, 32}, new int[] {Rtnl.NLMSG_DONE, 2, SEQ, 20}),
                SEQ,
                "x"))
        .isEqualTo(NetlinkSocket.DONE);
    assertThat(
            NetlinkSocket.scanDumpReply(
                datagram(new int[] {newLink, 2 | Rtnl.NLM_F_DUMP_INTR, SEQ, 32}), SEQ, "x"))
        .isEqualTo(NetlinkSocket.INTERRUPTED);
    // another request's messages are not this dump's
    assertThat(
            NetlinkSocket.scanDumpReply(
                datagram(new int[] {Rtnl.NLMSG_DONE, 2, SEQ + 1, 20}), SEQ, "x"))
        .isZero();
  }

  @Test
  void aLengthThatDoesNotFitTheDatagramIsRefusedNotLoopedOn() {
    assertThatThrownBy(
            () ->
                NetlinkSocket.scanDumpReply(datagram(new int[] {16, 2, SEQ, 0}), SEQ, "dump links"))
        .isInstanceOf(NetlinkException.class)
        .hasMessage(
            "dump links: a malformed reply from the kernel (a message of 0 bytes at 0 of a"
                + " 16-byte datagram; expected: 16 bytes or more, within it)");
    ByteBuffer cut = datagram(new int[] {16, 2, SEQ, 64});
    cut.limit(40);
    assertThatThrownBy(() -> NetlinkSocket.scanDumpReply(cut, SEQ, "dump links"))
        .hasMessageContaining("a message of 64 bytes at 0 of a 40-byte datagram");
  }

  @Test
  void aRefusalIsThrownWithItsErrno() {
    ByteBuffer error = datagram(new int[] {Rtnl.NLMSG_ERROR, 0, SEQ, 36});
    error.putInt(16, -1); // EPERM
    assertThatThrownBy(() -> NetlinkSocket.scanDumpReply(error, SEQ, "dump links"))
        .isInstanceOf(NetlinkException.class)
        .satisfies(e -> assertThat(((NetlinkException) e).errno()).isEqualTo(1));
  }
}
