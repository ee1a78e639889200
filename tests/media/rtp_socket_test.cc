// Two RTP endpoints on 127.0.0.1: port-pair allocation that skips busy ports, 50 G.711 packets
// exchanged both ways, symmetric RTP learning, RTCP on the odd port.
#include "media/rtp_socket.h"

#include <gtest/gtest.h>

#include "media/g711.h"
#include "media/rtcp.h"
#include "media/rtp.h"

namespace sy::media {
namespace {

// A range high in the ephemeral space; busy pairs (another test, another process) are skipped.
constexpr PortRange kRange{41000, 41999};

std::vector<uint8_t> packet(uint16_t seq, uint32_t ssrc) {
  RtpHeader h;
  h.payload_type = kPayloadTypePcmu;
  h.sequence = seq;
  h.timestamp = seq * 160u;
  h.ssrc = ssrc;
  std::vector<uint8_t> payload(160, static_cast<uint8_t>(seq));
  return build_rtp(h, payload);
}

// Receives until `count` RTP packets have arrived or 2 s pass; returns the sequence numbers.
std::vector<uint16_t> receive(RtpSocket& s, size_t count) {
  std::vector<uint16_t> seqs;
  std::vector<uint8_t> buf(2048);
  while (seqs.size() < count && s.wait_readable(2000)) {
    auto got = s.receive_rtp(buf);
    if (!got.ok() || !got->has_value()) continue;
    auto p = parse_rtp(std::span<const uint8_t>(buf.data(), (*got)->size));
    if (p.ok()) seqs.push_back(p->header.sequence);
  }
  return seqs;
}

TEST(RtpSocket, BindsAnEvenOddPairAndSkipsBusyPorts) {
  auto a = RtpSocket::open("127.0.0.1", kRange);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ((*a)->rtp_port() % 2, 0);
  EXPECT_EQ((*a)->rtcp_port(), (*a)->rtp_port() + 1);
  // Start the search at a's pair: it is busy, so the next free pair is used.
  auto b = RtpSocket::open("127.0.0.1", kRange, (*a)->rtp_port());
  ASSERT_TRUE(b.ok());
  EXPECT_NE((*b)->rtp_port(), (*a)->rtp_port());
  EXPECT_EQ((*b)->rtp_port() % 2, 0);
  // A range holding only a's pair is exhausted.
  auto c = RtpSocket::open("127.0.0.1", {(*a)->rtp_port(), (*a)->rtcp_port()});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "rtp_no_free_port");
  EXPECT_EQ(RtpSocket::open("not-an-ip", kRange).error().code, "rtp_bad_address");
}

TEST(RtpSocket, TwoEndpointsExchangeFiftyPacketsEachWay) {
  auto a = RtpSocket::open("127.0.0.1", kRange);
  auto b = RtpSocket::open("127.0.0.1", kRange);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->set_remote({"127.0.0.1", (*b)->rtp_port()}).ok());
  ASSERT_TRUE((*b)->set_remote({"127.0.0.1", (*a)->rtp_port()}).ok());
  for (uint16_t seq = 0; seq < 50; ++seq) {
    ASSERT_TRUE((*a)->send_rtp(packet(seq, 0xA)).ok());
    ASSERT_TRUE((*b)->send_rtp(packet(static_cast<uint16_t>(1000 + seq), 0xB)).ok());
  }
  const auto at_b = receive(**b, 50);
  const auto at_a = receive(**a, 50);
  ASSERT_EQ(at_b.size(), 50u);
  ASSERT_EQ(at_a.size(), 50u);
  for (uint16_t i = 0; i < 50; ++i) {
    EXPECT_EQ(at_b[i], i);
    EXPECT_EQ(at_a[i], 1000 + i);
  }
}

TEST(RtpSocket, SymmetricRtpLearnsTheRemoteFromTheFirstPacket) {
  auto server = RtpSocket::open("127.0.0.1", kRange);
  auto phone = RtpSocket::open("127.0.0.1", kRange);
  ASSERT_TRUE(server.ok() && phone.ok());
  (*server)->set_symmetric(true);
  EXPECT_FALSE((*server)->remote());
  EXPECT_EQ((*server)->send_rtp(packet(1, 1)).error().code, "rtp_no_remote");
  ASSERT_TRUE((*phone)->set_remote({"127.0.0.1", (*server)->rtp_port()}).ok());
  ASSERT_TRUE((*phone)->send_rtp(packet(1, 2)).ok());
  ASSERT_EQ(receive(**server, 1).size(), 1u);
  const auto learned = (*server)->remote();
  ASSERT_TRUE(learned);
  EXPECT_EQ(learned->port, (*phone)->rtp_port());
  ASSERT_TRUE((*server)->send_rtp(packet(7, 1)).ok());
  EXPECT_EQ(receive(**phone, 1), std::vector<uint16_t>{7});
}

TEST(RtpSocket, RtcpTravelsOnTheOddPort) {
  auto a = RtpSocket::open("127.0.0.1", kRange);
  auto b = RtpSocket::open("127.0.0.1", kRange);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->set_remote({"127.0.0.1", (*b)->rtp_port()}).ok());
  RtcpReport rr;
  rr.ssrc = 5;
  ASSERT_TRUE((*a)->send_rtcp(build_rtcp_report(rr)).ok());
  ASSERT_TRUE((*b)->wait_readable(2000, true));
  std::vector<uint8_t> buf(1500);
  auto got = (*b)->receive_rtcp(buf);
  ASSERT_TRUE(got.ok() && got->has_value());
  auto parsed = parse_rtcp_report(std::span<const uint8_t>(buf.data(), (*got)->size));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->ssrc, 5u);
  EXPECT_EQ((*got)->from.port, (*a)->rtcp_port());
  // Nothing else waiting: a non-blocking receive says so.
  auto none = (*b)->receive_rtp(buf);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

}  // namespace
}  // namespace sy::media

namespace sy::media {
namespace {

TEST(RtpSocket, StrictSourceDropsPacketsFromAThirdParty) {
  auto server = RtpSocket::open("127.0.0.1", kRange);
  auto phone = RtpSocket::open("127.0.0.1", kRange);
  auto intruder = RtpSocket::open("127.0.0.1", kRange);
  ASSERT_TRUE(server.ok() && phone.ok() && intruder.ok());
  (*server)->set_strict_source(true);
  ASSERT_TRUE((*server)->set_remote({"127.0.0.1", (*phone)->rtp_port()}).ok());
  for (auto* s : {&*phone, &*intruder}) {
    ASSERT_TRUE((*s)->set_remote({"127.0.0.1", (*server)->rtp_port()}).ok());
  }
  ASSERT_TRUE((*intruder)->send_rtp(packet(666, 9)).ok());
  ASSERT_TRUE((*phone)->send_rtp(packet(1, 2)).ok());
  EXPECT_EQ(receive(**server, 1), std::vector<uint16_t>{1});
  EXPECT_EQ((*server)->foreign_dropped(), 1u);
}

}  // namespace
}  // namespace sy::media
