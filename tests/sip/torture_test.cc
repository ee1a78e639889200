// RFC 4475 (SIP torture test messages), section 3.1.2 "Invalid Messages", written out from the
// RFC text and sent raw over UDP. The server must answer each with an error (400, or 505 for an
// unknown version) or drop it, never accept it as a call, and keep serving: OPTIONS still gets
// 200 afterwards.
#include <gtest/gtest.h>
#include <poll.h>

#include <string>
#include <vector>

#include "sip/sip_adapter.h"
#include "sip_test_support.h"

namespace sy::sip {
namespace {

struct Torture {
  const char* name;
  std::string message;
};

std::string crlf(std::string text) {  // the RFC's messages use CRLF line ends
  std::string out;
  for (char c : text) {
    if (c == '\n') out += "\r\n";
    else out += c;
  }
  return out;
}

const std::string kSdp =
    "v=0\no=mhandley 29739 7272939 IN IP4 192.0.2.15\ns=-\nc=IN IP4 192.0.2.15\nt=0 0\n"
    "m=audio 49217 RTP/AVP 0 12\nm=video 3227 RTP/AVP 31\na=rtpmap:31 LPC\n";

std::vector<Torture> torture_messages() {
  std::vector<Torture> t;
  // 3.1.2.1 Extraneous header field separators (badinv01).
  t.push_back({"badinv01", crlf(
      "INVITE sip:user@example.com SIP/2.0\n"
      "To: sip:j.user@example.com\n"
      "From: sip:caller@example.net;tag=134161461246\n"
      "Max-Forwards: 7\n"
      "Call-ID: badinv01.0ha0isndaksdjasdf3234nas\n"
      "CSeq: 8 INVITE\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5060;;,;,,\n"
      "Contact: \"Joe\" <sip:joe@example.org>;;;;\n"
      "Content-Length: 152\n"
      "Content-Type: application/sdp\n\n") + kSdp});
  // 3.1.2.2 Content-Length larger than the message (clerr).
  t.push_back({"clerr", crlf(
      "INVITE sip:user@example.com SIP/2.0\n"
      "Max-Forwards: 80\n"
      "To: sip:j.user@example.com\n"
      "From: sip:caller@example.net;tag=93942939o2\n"
      "Contact: <sip:caller@hungry.example.net>\n"
      "Call-ID: clerr.0ha0isndaksdjweiafasdk3\n"
      "CSeq: 8 INVITE\n"
      "Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523\n"
      "Content-Type: application/sdp\n"
      "Content-Length: 9999\n\n") + kSdp});
  // 3.1.2.3 Negative Content-Length (ncl).
  t.push_back({"ncl", crlf(
      "INVITE sip:user@example.com SIP/2.0\n"
      "Max-Forwards: 254\n"
      "To: sip:j.user@example.com\n"
      "From: sip:caller@example.net;tag=32394234\n"
      "Call-ID: ncl.0ha0isndaksdj2193423r542w35\n"
      "CSeq: 0 INVITE\n"
      "Via: SIP/2.0/UDP 192.0.2.53;branch=z9hG4bKkdjuw\n"
      "Contact: <sip:caller@example53.example.net>\n"
      "Content-Type: application/sdp\n"
      "Content-Length: -999\n\n") + kSdp});
  // 3.1.2.4 Request scalar fields with overlarge values (scalar02).
  t.push_back({"scalar02", crlf(
      "REGISTER sip:example.com SIP/2.0\n"
      "Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3\n"
      "To: <sip:user@example.com>\n"
      "From: <sip:user@example.com>;tag=239232jh3\n"
      "CSeq: 36893488147419103232 REGISTER\n"
      "Call-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32\n"
      "Max-Forwards: 300\n"
      "Expires: 1\n"
      "Contact: <sip:user@host129.example.com>;expires=280297596632815\n"
      "Content-Length: 0\n\n")});
  // 3.1.2.6 Unterminated quoted string in display name (quotbal).
  t.push_back({"quotbal", crlf(
      "INVITE sip:user@example.com SIP/2.0\n"
      "To: \"Mr. J. User <sip:j.user@example.com>\n"
      "From: sip:caller@example.net;tag=93334\n"
      "Max-Forwards: 10\n"
      "Call-ID: quotbal.aksdj\n"
      "Contact: <sip:caller@host59.example.net>\n"
      "CSeq: 8 INVITE\n"
      "Via: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234\n"
      "Content-Type: application/sdp\n"
      "Content-Length: 152\n\n") + kSdp});
  // 3.1.2.7 <> enclosing the Request-URI (ltgtruri).
  t.push_back({"ltgtruri", crlf(
      "INVITE <sip:user@example.com> SIP/2.0\n"
      "To: sip:user@example.com\n"
      "From: sip:caller@example.net;tag=39291\n"
      "Max-Forwards: 23\n"
      "Call-ID: ltgtruri.1@192.0.2.5\n"
      "CSeq: 1 INVITE\n"
      "Via: SIP/2.0/UDP 192.0.2.5\n"
      "Contact: <sip:caller@host5.example.net>\n"
      "Content-Type: application/sdp\n"
      "Content-Length: 159\n\n") + kSdp});
  // 3.1.2.8 Malformed Request-URI with embedded LWS (lwsruri).
  t.push_back({"lwsruri", crlf(
      "INVITE sip:user@example.com; lr SIP/2.0\n"
      "To: sip:user@example.com;tag=3xfe-9921883-z9f\n"
      "From: sip:caller@example.net;tag=231413434\n"
      "Max-Forwards: 5\n"
      "Call-ID: lwsruri.asdfasdoeoi2323-asdfwrs\n"
      "CSeq: 23 INVITE\n"
      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKkdjuw2395\n"
      "Contact: <sip:caller@host1.example.net>\n"
      "Content-Type: application/sdp\n"
      "Content-Length: 159\n\n") + kSdp});
  // 3.1.2.9 Multiple SP separating Request-Line elements (lwsstart).
  t.push_back({"lwsstart", crlf(
      "INVITE  sip:user@example.com  SIP/2.0\n"
      "Max-Forwards: 8\n"
      "To: sip:user@example.com\n"
      "From: sip:caller@example.net;tag=8814\n"
      "Call-ID: lwsstart.dfknq234oi243099adsdfnawe3@example.com\n"
      "CSeq: 1893884 INVITE\n"
      "Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw3923\n"
      "Contact: <sip:caller@host1.example.net>\n"
      "Content-Type: application/sdp\n"
      "Content-Length: 150\n\n") + kSdp});
  // 3.1.2.13 Failure to enclose a name-addr URI in <> (regbadct).
  t.push_back({"regbadct", crlf(
      "REGISTER sip:example.com SIP/2.0\n"
      "To: sip:user@example.com\n"
      "From: sip:user@example.com;tag=998332\n"
      "Max-Forwards: 70\n"
      "Call-ID: regbadct.k345asrl3fdbv@10.0.0.1\n"
      "CSeq: 1 REGISTER\n"
      "Via: SIP/2.0/UDP 135.180.130.133:5060;branch=z9hG4bKkdjuw\n"
      "Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E\n"
      "l: 0\n\n")});
  // 3.1.2.14 Spaces within addr-spec (badaspec).
  t.push_back({"badaspec", crlf(
      "OPTIONS sip:user@example.org SIP/2.0\n"
      "Via: SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234\n"
      "Max-Forwards: 70\n"
      "From: \"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423\n"
      "To: \"Watson, Thomas\" < sip:t.watson@example.org >\n"
      "Call-ID: badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3\n"
      "Accept: application/sdp\n"
      "CSeq: 3923239 OPTIONS\n"
      "l: 0\n\n")});
  // 3.1.2.15 Non-token characters in display name (baddn).
  t.push_back({"baddn", crlf(
      "OPTIONS sip:t.watson@example.org SIP/2.0\n"
      "Via: SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw\n"
      "Max-Forwards: 70\n"
      "From: Bell, Alexander <sip:a.g.bell@example.com>;tag=43\n"
      "To: Watson, Thomas <sip:t.watson@example.org>\n"
      "Call-ID: baddn.31415@c.example.com\n"
      "Accept: application/sdp\n"
      "CSeq: 3923239 OPTIONS\n"
      "l: 0\n\n")});
  // 3.1.2.16 Unknown protocol version (badvers).
  t.push_back({"badvers", crlf(
      "OPTIONS sip:t.watson@example.org SIP/7.0\n"
      "Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw\n"
      "Max-Forwards:     70\n"
      "From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe\n"
      "To:      T. Watson <sip:t.watson@example.org>\n"
      "Call-ID: badvers.31417@c.example.com\n"
      "CSeq:    1 OPTIONS\n"
      "l: 0\n\n")});
  // 3.1.2.17 Start line and CSeq method mismatch (mismatch01).
  t.push_back({"mismatch01", crlf(
      "OPTIONS sip:user@example.com SIP/2.0\n"
      "To: sip:j.user@example.com\n"
      "From: sip:caller@example.net;tag=34525\n"
      "Max-Forwards: 6\n"
      "Call-ID: mismatch01.dj0234sxdfl3\n"
      "CSeq: 8 INVITE\n"
      "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw\n"
      "l: 0\n\n")});
  // 3.1.2.18 Unknown method with CSeq method mismatch (mismatch02).
  t.push_back({"mismatch02", crlf(
      "NEWMETHOD sip:user@example.com SIP/2.0\n"
      "To: sip:j.user@example.com\n"
      "From: sip:caller@example.net;tag=34525\n"
      "Max-Forwards: 6\n"
      "Call-ID: mismatch02.dj0234sxdfl3\n"
      "CSeq: 8 INVITE\n"
      "Contact: <sip:caller@host.example.net>\n"
      "Via: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw\n"
      "Content-Type: application/sdp\n"
      "l: 138\n\n") + kSdp});
  // Not from the RFC: mandatory headers missing altogether, and plain garbage.
  t.push_back({"no_call_id", crlf(
      "INVITE sip:95598@127.0.0.1 SIP/2.0\n"
      "Via: SIP/2.0/UDP 127.0.0.1:5999;rport;branch=z9hG4bK-nocallid\n"
      "From: <sip:a@127.0.0.1>;tag=1\n"
      "To: <sip:95598@127.0.0.1>\n"
      "CSeq: 1 INVITE\n"
      "Content-Length: 0\n\n")});
  static const char kGarbage[] = "\x01\x02 not SIP at all \xff\xfe\r\n\r\n";
  t.push_back({"garbage", std::string(kGarbage, sizeof kGarbage - 1)});
  return t;
}

class TortureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SipOptions options;
    options.host = "127.0.0.1";
    options.port = testing::free_sip_port();
    options.trusted_sources = {"127.0.0.2"};  // no torture INVITE may become a call
    port_ = options.port;
    auto a = SipAdapter::start(options, handler_);
    ASSERT_TRUE(a) << a.error().message;
    adapter_ = std::move(*a);
    handler_.adapter = adapter_.get();
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
  }
  void TearDown() override {
    if (fd_ >= 0) close(fd_);
    if (adapter_) adapter_->stop();
  }
  void send(const std::string& message) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(port_);
    ASSERT_EQ(sendto(fd_, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&to),
                     sizeof to),
              static_cast<ssize_t>(message.size()));
  }
  // The first response within `ms`, or "" when the server stays silent.
  std::string receive(int ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) return {};
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  int status_of(const std::string& response) {
    if (response.rfind("SIP/2.0 ", 0) != 0 || response.size() < 11) return 0;
    return std::atoi(response.substr(8, 3).c_str());
  }
  testing::RecordingHandler handler_;
  std::unique_ptr<SipAdapter> adapter_;
  uint16_t port_ = 0;
  int fd_ = -1;
};

TEST_F(TortureTest, InvalidMessagesAreRefusedOrDroppedAndTheServerKeepsAnswering) {
  for (const auto& t : torture_messages()) {
    SCOPED_TRACE(t.name);
    send(t.message);
    std::string response = receive(300);
    // Drain retransmissions and provisional answers before the next message.
    while (!response.empty() && status_of(response) < 200) response = receive(300);
    if (!response.empty()) {
      int status = status_of(response);
      EXPECT_GE(status, 400) << response;  // never accepted
    }
    while (!receive(50).empty()) {
    }
  }
  EXPECT_TRUE(handler_.incoming().empty());

  // Still serving.
  send(crlf("OPTIONS sip:95598@127.0.0.1 SIP/2.0\n"
            "Via: SIP/2.0/UDP 127.0.0.1:5999;rport;branch=z9hG4bK-alive-1\n"
            "From: <sip:probe@127.0.0.1>;tag=77\n"
            "To: <sip:95598@127.0.0.1>\n"
            "Call-ID: alive-after-torture\n"
            "CSeq: 1 OPTIONS\n"
            "Max-Forwards: 70\n"
            "Content-Length: 0\n\n"));
  EXPECT_EQ(status_of(receive(2000)), 200);
}

TEST_F(TortureTest, RequestWithoutCallIdGets400) {
  send(crlf("OPTIONS sip:95598@127.0.0.1 SIP/2.0\n"
            "Via: SIP/2.0/UDP 127.0.0.1:5999;rport;branch=z9hG4bK-nocid-2\n"
            "From: <sip:a@127.0.0.1>;tag=1\n"
            "To: <sip:95598@127.0.0.1>\n"
            "CSeq: 1 OPTIONS\n"
            "Content-Length: 0\n\n"));
  EXPECT_EQ(status_of(receive(2000)), 400);
}

TEST_F(TortureTest, UnknownSipVersionIsNotAccepted) {
  send(crlf("OPTIONS sip:95598@127.0.0.1 SIP/7.0\n"
            "Via: SIP/7.0/UDP 127.0.0.1:5999;rport;branch=z9hG4bK-v7\n"
            "From: <sip:a@127.0.0.1>;tag=1\n"
            "To: <sip:95598@127.0.0.1>\n"
            "Call-ID: v7\n"
            "CSeq: 1 OPTIONS\n"
            "Content-Length: 0\n\n"));
  std::string r = receive(1000);
  if (!r.empty()) {
    EXPECT_GE(status_of(r), 400) << r;
  }
}

}  // namespace
}  // namespace sy::sip
