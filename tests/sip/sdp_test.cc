// SDP offers as callers send them, and the answers we build.
#include <gtest/gtest.h>

#include "sip/sdp.h"

namespace sy::sip {
namespace {

const char* kOffer =
    "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
    "m=audio 49170 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n";

TEST(Sdp, OfferIsParsedAndTheCallersPreferredG711Wins) {
  auto sd = parse_sdp(kOffer);
  ASSERT_TRUE(sd) << sd.error().message;
  ASSERT_EQ(sd->audio.size(), 1u);
  EXPECT_EQ(sd->audio[0].port, 49170);
  EXPECT_EQ(sd->audio[0].ptime_ms, 20);
  auto n = negotiate(*sd);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->audio_payload_type, 8);
  EXPECT_EQ(n->telephone_event_payload_type, 101);
  EXPECT_EQ(n->remote_ip, "192.0.2.10");
  EXPECT_EQ(n->remote_port, 49170);
  EXPECT_FALSE(n->on_hold());
}

TEST(Sdp, AnswerCarriesOurAddressCodecAndTelephoneEvent) {
  auto n = negotiate(*parse_sdp(kOffer));
  std::string a = build_answer(*n, LocalMedia{"127.0.0.1", 20002, 7, 2});
  EXPECT_NE(a.find("c=IN IP4 127.0.0.1\r\n"), std::string::npos);
  EXPECT_NE(a.find("m=audio 20002 RTP/AVP 8 101\r\n"), std::string::npos);
  EXPECT_NE(a.find("a=rtpmap:101 telephone-event/8000"), std::string::npos);
  EXPECT_NE(a.find("a=sendrecv"), std::string::npos);
  EXPECT_NE(a.find("o=switchyard 7 2 IN IP4"), std::string::npos);
  EXPECT_TRUE(parse_sdp(a));  // our own answer parses
}

TEST(Sdp, HoldDirectionsAreMirrored) {
  std::string base = "v=0\no=- 1 2 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 0\n";
  auto sendonly = negotiate(*parse_sdp(base + "a=sendonly\n"));
  ASSERT_TRUE(sendonly);
  EXPECT_TRUE(sendonly->on_hold());
  EXPECT_EQ(sendonly->answered, MediaDirection::kRecvOnly);
  auto inactive = negotiate(*parse_sdp(base + "a=inactive\n"));
  EXPECT_EQ(inactive->answered, MediaDirection::kInactive);
  // RFC 2543 hold: connection address 0.0.0.0.
  auto old_hold = negotiate(*parse_sdp(
      "v=0\no=- 1 2 IN IP4 10.0.0.1\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\nm=audio 4000 RTP/AVP 0\n"));
  EXPECT_TRUE(old_hold->on_hold());
  // A session-level direction applies to the stream.
  auto session_level = negotiate(*parse_sdp(
      "v=0\no=- 1 2 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\na=sendonly\nm=audio 4000 RTP/AVP 0\n"));
  EXPECT_TRUE(session_level->on_hold());
}

TEST(Sdp, MalformedOffersAreErrorsWithTheLine) {
  struct Case {
    const char* text;
    const char* code;
  } cases[] = {
      {"", "sdp_malformed"},
      {"hello world", "sdp_malformed"},
      {"v=1\r\n", "sdp_malformed"},
      {"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 999.0.0.1\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n",
       "sdp_malformed"},
      {"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n",
       "sdp_malformed"},
      {"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 4000 RTP/AVP x\r\n",
       "sdp_malformed"},
      {"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", "sdp_malformed"},
      {"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=video 4000 RTP/AVP 31\r\n",
       "sdp_no_audio"},
      {"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
       "a=rtpmap:0\r\n",
       "sdp_malformed"},
      {"v=0\r\nX=bad\r\n", "sdp_malformed"},
  };
  for (const auto& c : cases) {
    auto sd = parse_sdp(c.text);
    ASSERT_FALSE(sd) << c.text;
    EXPECT_EQ(sd.error().code, c.code) << c.text;
  }
  auto four = parse_sdp("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 nope\n");
  ASSERT_FALSE(four);
  EXPECT_NE(four.error().message.find("line 4"), std::string::npos) << four.error().message;
}

TEST(Sdp, OfferWithoutG711IsNotNegotiable) {
  auto sd = parse_sdp(
      "v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 1.2.3.4\nt=0 0\nm=audio 4000 RTP/AVP 18 9\n"
      "a=rtpmap:18 G729/8000\na=rtpmap:9 G722/8000\n");
  ASSERT_TRUE(sd);
  auto n = negotiate(*sd);
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, "sdp_no_common_codec");
}

}  // namespace
}  // namespace sy::sip
