// Server configuration: defaults, then switchyard.yaml, then SWITCHYARD_* environment variables,
// then command-line flags. A wrong key or value is an error that names it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace sy::config {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};

struct Config {
  std::string data_dir = "./var";
  std::string db_url;  // empty until resolved: then "sqlite:<data_dir>/switchyard.db"
  std::string config_file;  // the file that was read, if any

  struct Http {
    HostPort listen{"127.0.0.1", 8080};
    int threads = 2;
    std::string web_root = "web/dist";
    std::int64_t max_body_bytes = 1 << 20;
    int read_timeout_s = 30;
    int max_connections = 10000;
  } http;

  struct Sip {
    HostPort listen{"127.0.0.1", 5060};
    std::string domain = "switchyard.local";
    int max_calls = 2000;
    // Trunk source addresses allowed to send INVITEs (comma-separated in the file).
    std::vector<std::string> trunks = {"127.0.0.1"};
    // Service number -> IVR flow file ("95598=config/flows/hotline-95598.yaml, ...").
    std::map<std::string, std::string> services = {{"95598", "config/flows/hotline-95598.yaml"}};
    int session_expires_s = 1800;
    int retry_after_s = 5;
  } sip;

  struct Rtp {
    int port_min = 20000;
    int port_max = 29999;
  } rtp;

  struct Centre {
    std::string name = "福建95598客户服务中心";
    std::string time_zone = "Asia/Shanghai";
    std::string default_language = "zh-CN";
  } centre;

  struct Auth {
    int session_ttl_s = 12 * 3600;
    int lockout_attempts = 5;
    int lockout_s = 15 * 60;
  } auth;

  struct Kb {
    // IVR node / queue → knowledge-base searches for the agent's suggestions:
    // "node=query|query; queue:repair=query". Empty: the built-in rules for the 95598 flow.
    std::string suggestions;
  } kb;

  struct Events {
    int desktop_grace_s = 30;        // a desktop gone this long: its agent is set not-ready
    int replay_events = 10000;       // events kept for reconnecting desktops
    int replay_max_age_s = 300;
    int client_queue = 1024;         // events waiting for one desktop before it is dropped
    int websocket_idle_timeout_s = 30;  // ping after half of it; drop a peer silent for all of it
  } events;

  // Queueing and delivery to agent phones (the ACD).
  struct Acd {
    int ring_timeout_s = 20;            // an agent's phone rings this long, then the call re-queues
    int wrap_up_s = 0;                  // after-call work after each conversation; 0 = none
    bool require_registered_phone = false;  // true: ready only while the agent's phone is registered
    // Region code -> most callers of that region waiting at once ("350100=20, 350200=10").
    std::vector<std::pair<std::string, int>> region_caps;
    int announce_interval_s = 30;       // position and estimated wait spoken this often
    int callback_offer_after_s = 60;    // past this wait, "press 1 to be called back" (0: never)
  } acd;

  struct Recording {
    bool enabled = true;  // record calls that reach an agent (stereo WAV, MP3 after hang-up)
  } recording;
  // SMS through a local Kannel (smsbox's HTTP sendsms). Off while kannel_url is empty.
  struct Sms {
    std::string kannel_url;  // http://127.0.0.1:13013 (path defaults to /cgi-bin/sendsms)
    std::string username;
    std::string password;
    std::string from;  // sender number shown on the phone; "" = Kannel's global-sender
  } sms;

  struct WorkOrders {
    // Attachment uploads (photos, PDFs) have their own request-body limit.
    std::int64_t max_attachment_bytes = 10 << 20;
  } work_orders;

  std::string log_level = "info";
};

// Parses "host:port" ("[::1]:8080" for IPv6); port 0 means "pick a free one".
Result<HostPort> parse_host_port(const std::string& text);

// Loads the configuration for a command. Consumes the common flags (--config F, --data DIR,
// --db URL, and for serve --http HOST:PORT, --sip HOST:PORT) from `args`; what is left is returned
// in `rest` for the command itself. `env` is the process environment (injected for tests).
Result<Config> load(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                    std::vector<std::string>* rest);

// The process environment as a map.
std::map<std::string, std::string> environment();

// Every key the configuration file accepts, with its environment variable, for docs and errors.
std::vector<std::pair<std::string, std::string>> known_keys();

}  // namespace sy::config
