// SMS through Kannel: one HTTP GET to smsbox's sendsms service per message
// (/cgi-bin/sendsms?username=&password=&from=&to=&text=&charset=UTF-8&coding=2), UCS-2 on the
// air so Chinese text arrives intact. Kannel answers 202 once the message is accepted or queued;
// bearerbox then owns delivery to the carrier's SMSC.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"

namespace sy::notify {

// What became of one message handed to the carrier side.
struct SendOutcome {
  enum class Kind { kSent, kRetry, kRejected };  // rejected: trying again will not help
  Kind kind = Kind::kRetry;
  std::string detail;  // Kannel's answer or the transport error
};

// The interface the SMS worker sends through.
class SmsSender {
 public:
  virtual ~SmsSender() = default;
  virtual SendOutcome send(const std::string& to, const std::string& text) = 0;
};

struct KannelOptions {
  std::string url;  // smsbox sendsms base: http://host:port (path defaults to /cgi-bin/sendsms)
  std::string username;
  std::string password;
  std::string from;  // sender number; "" = smsbox's global-sender
  std::chrono::milliseconds timeout{5000};
};

class KannelSender final : public SmsSender {
 public:
  // invalid_input "invalid_kannel_url" when the URL is not http://host:port[/path].
  static Result<std::unique_ptr<KannelSender>> create(KannelOptions options);
  SendOutcome send(const std::string& to, const std::string& text) override;

 private:
  explicit KannelSender(KannelOptions options) : options_(std::move(options)) {}
  KannelOptions options_;
  std::string host_;
  std::string port_;
  std::string path_;
};

// Percent-encoding of a query value (everything but unreserved characters).
std::string url_encode(const std::string& text);

}  // namespace sy::notify
