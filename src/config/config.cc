#include "config/config.h"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <functional>

extern char** environ;

namespace sy::config {
namespace {

Error config_error(std::string message, std::string field) {
  return make_error(ErrorKind::kInvalidInput, "invalid_config", std::move(message), std::move(field));
}

Result<std::int64_t> parse_int(const std::string& text, std::int64_t min, std::int64_t max,
                               const std::string& key) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size())
    return config_error("'" + key + "' must be a whole number, got '" + text + "'", key);
  if (v < min || v > max)
    return config_error("'" + key + "' must be between " + std::to_string(min) + " and " +
                            std::to_string(max) + ", got " + text,
                        key);
  return v;
}

// One configurable key: its dotted path and how to apply a textual value.
struct Key {
  const char* path;
  std::function<Status(Config&, const std::string&, const std::string& key)> apply;
};

template <class T>
Key int_key(const char* path, T Config::*section_member, int T::*field, std::int64_t min,
            std::int64_t max) {
  return {path, [=](Config& c, const std::string& v, const std::string& key) -> Status {
            auto n = parse_int(v, min, max, key);
            if (!n) return n.error();
            (c.*section_member).*field = static_cast<int>(*n);
            return {};
          }};
}

template <class T>
Key string_key(const char* path, T Config::*section_member, std::string T::*field) {
  return {path, [=](Config& c, const std::string& v, const std::string& key) -> Status {
            if (v.empty()) return config_error("'" + key + "' must not be empty", key);
            (c.*section_member).*field = v;
            return {};
          }};
}

template <class T>
Key listen_key(const char* path, T Config::*section_member) {
  return {path, [=](Config& c, const std::string& v, const std::string& key) -> Status {
            auto hp = parse_host_port(v);
            if (!hp) return config_error("'" + key + "': " + hp.error().message, key);
            (c.*section_member).listen = *hp;
            return {};
          }};
}

std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> out;
  std::string item;
  auto flush = [&] {
    auto b = item.find_first_not_of(" \t");
    auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    item.clear();
  };
  for (char ch : v) {
    if (ch == ',') flush();
    else item += ch;
  }
  flush();
  return out;
}

Status apply_trunks(Config& c, const std::string& v, const std::string& key) {
  auto list = split_list(v);
  if (list.empty()) return config_error("'" + key + "' needs at least one address", key);
  for (const auto& ip : list) {
    in6_addr a6{};
    in_addr a4{};
    if (inet_pton(AF_INET, ip.c_str(), &a4) != 1 && inet_pton(AF_INET6, ip.c_str(), &a6) != 1)
      return config_error("'" + key + "': '" + ip + "' is not an IP address", key);
  }
  c.sip.trunks = list;
  return {};
}

Status apply_bool(bool& out, const std::string& v, const std::string& key) {
  if (v == "true" || v == "yes" || v == "on" || v == "1") out = true;
  else if (v == "false" || v == "no" || v == "off" || v == "0") out = false;
  else return config_error("'" + key + "' must be true or false, got '" + v + "'", key);
  return {};
}

Status apply_region_caps(Config& c, const std::string& v, const std::string& key) {
  std::vector<std::pair<std::string, int>> caps;
  for (const auto& item : split_list(v)) {
    auto eq = item.find('=');
    std::string region = item.substr(0, eq);
    std::string n = eq == std::string::npos ? "" : item.substr(eq + 1);
    bool ok = !region.empty() && !n.empty() && n.size() < 7 &&
              std::all_of(n.begin(), n.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) != 0; });
    if (!ok) return config_error("'" + key + "' entries are REGION=MAX_WAITING, got '" + item + "'", key);
    for (const auto& [r, _] : caps)
      if (r == region) return config_error("'" + key + "': region " + region + " capped twice", key);
    caps.emplace_back(region, std::stoi(n));
  }
  c.acd.region_caps = caps;
  return {};
}

Status apply_services(Config& c, const std::string& v, const std::string& key) {
  std::map<std::string, std::string> services;
  for (const auto& item : split_list(v)) {
    auto eq = item.find('=');
    std::string number = item.substr(0, eq);
    bool digits = !number.empty() && std::all_of(number.begin(), number.end(), [](char ch) {
      return std::isdigit(static_cast<unsigned char>(ch)) != 0;
    });
    if (eq == std::string::npos || !digits || eq + 1 >= item.size())
      return config_error("'" + key + "' entries are NUMBER=FLOW_FILE, got '" + item + "'", key);
    services[number] = item.substr(eq + 1);
  }
  if (services.empty()) return config_error("'" + key + "' needs at least one NUMBER=FLOW_FILE", key);
  c.sip.services = services;
  return {};
}

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      {"data_dir",
       [](Config& c, const std::string& v, const std::string& key) -> Status {
         if (v.empty()) return config_error("'data_dir' must not be empty", key);
         c.data_dir = v;
         return {};
       }},
      {"db",
       [](Config& c, const std::string& v, const std::string& key) -> Status {
         if (v.rfind("sqlite:", 0) != 0 && v.rfind("postgresql://", 0) != 0 &&
             v.rfind("postgres://", 0) != 0)
           return config_error("'db' must be sqlite:PATH or postgresql://…, got '" + v + "'", key);
         c.db_url = v;
         return {};
       }},
      listen_key("http.listen", &Config::http),
      int_key("http.threads", &Config::http, &Config::Http::threads, 1, 64),
      string_key("http.web_root", &Config::http, &Config::Http::web_root),
      {"http.max_body_bytes",
       [](Config& c, const std::string& v, const std::string& key) -> Status {
         auto n = parse_int(v, 1024, std::int64_t{1} << 30, key);
         if (!n) return n.error();
         c.http.max_body_bytes = *n;
         return {};
       }},
      int_key("http.read_timeout_s", &Config::http, &Config::Http::read_timeout_s, 1, 3600),
      int_key("http.max_connections", &Config::http, &Config::Http::max_connections, 1, 1000000),
      listen_key("sip.listen", &Config::sip),
      string_key("sip.domain", &Config::sip, &Config::Sip::domain),
      int_key("sip.max_calls", &Config::sip, &Config::Sip::max_calls, 1, 1000000),
      {"sip.trunks", apply_trunks},
      {"sip.services", apply_services},
      int_key("sip.session_expires_s", &Config::sip, &Config::Sip::session_expires_s, 90, 86400),
      int_key("sip.retry_after_s", &Config::sip, &Config::Sip::retry_after_s, 1, 3600),
      int_key("rtp.port_min", &Config::rtp, &Config::Rtp::port_min, 1024, 65534),
      int_key("rtp.port_max", &Config::rtp, &Config::Rtp::port_max, 1025, 65535),
      string_key("centre.name", &Config::centre, &Config::Centre::name),
      string_key("kb.suggestions", &Config::kb, &Config::Kb::suggestions),
      {"centre.time_zone",
       [](Config& c, const std::string& v, const std::string& key) -> Status {
         if (v.empty() || v.find("..") != std::string::npos ||
             !std::filesystem::exists("/usr/share/zoneinfo/" + v))
           return config_error("'centre.time_zone' is not a known time zone: '" + v + "'", key);
         c.centre.time_zone = v;
         return {};
       }},
      {"centre.default_language",
       [](Config& c, const std::string& v, const std::string& key) -> Status {
         if (v != "zh-CN" && v != "en-US")
           return config_error("'centre.default_language' must be zh-CN or en-US", key);
         c.centre.default_language = v;
         return {};
       }},
      int_key("auth.session_ttl_s", &Config::auth, &Config::Auth::session_ttl_s, 60, 30 * 86400),
      int_key("auth.lockout_attempts", &Config::auth, &Config::Auth::lockout_attempts, 1, 100),
      int_key("auth.lockout_s", &Config::auth, &Config::Auth::lockout_s, 1, 86400),
      int_key("events.desktop_grace_s", &Config::events, &Config::Events::desktop_grace_s, 1, 3600),
      int_key("events.replay_events", &Config::events, &Config::Events::replay_events, 0, 1000000),
      int_key("events.replay_max_age_s", &Config::events, &Config::Events::replay_max_age_s, 1,
              86400),
      int_key("events.client_queue", &Config::events, &Config::Events::client_queue, 16, 1000000),
      int_key("events.websocket_idle_timeout_s", &Config::events,
              &Config::Events::websocket_idle_timeout_s, 2, 3600),
      int_key("acd.ring_timeout_s", &Config::acd, &Config::Acd::ring_timeout_s, 3, 600),
      int_key("acd.wrap_up_s", &Config::acd, &Config::Acd::wrap_up_s, 0, 600),
      {"acd.require_registered_phone",
       [](Config& c, const std::string& v, const std::string& key) -> Status {
         return apply_bool(c.acd.require_registered_phone, v, key);
       }},
      {"acd.region_caps", apply_region_caps},
      int_key("acd.announce_interval_s", &Config::acd, &Config::Acd::announce_interval_s, 5, 3600),
      int_key("acd.callback_offer_after_s", &Config::acd, &Config::Acd::callback_offer_after_s, 0,
              86400),
      {"recording.enabled",
       [](Config& c, const std::string& v, const std::string& key) -> Status {
         return apply_bool(c.recording.enabled, v, key);
       }},
      {"sms.kannel_url",
       [](Config& c, const std::string& v, const std::string& key) -> Status {
         if (!v.empty() && v.rfind("http://", 0) != 0)
           return config_error("'sms.kannel_url' must be http://host:port of smsbox's sendsms", key);
         c.sms.kannel_url = v;
         return {};
       }},
      string_key("sms.username", &Config::sms, &Config::Sms::username),
      string_key("sms.password", &Config::sms, &Config::Sms::password),
      string_key("sms.from", &Config::sms, &Config::Sms::from),
      {"work_orders.max_attachment_bytes",
       [](Config& c, const std::string& v, const std::string& key) -> Status {
         auto n = parse_int(v, 1024, std::int64_t{1} << 30, key);
         if (!n) return n.error();
         c.work_orders.max_attachment_bytes = *n;
         return {};
       }},
      {"log.level",
       [](Config& c, const std::string& v, const std::string& key) -> Status {
         static const char* levels[] = {"trace", "debug", "info", "warn", "error", "off"};
         if (std::find(std::begin(levels), std::end(levels), v) == std::end(levels))
           return config_error("'log.level' must be one of trace, debug, info, warn, error, off", key);
         c.log_level = v;
         return {};
       }},
  };
  return k;
}

std::string env_name(const std::string& path) {
  std::string name = "SWITCHYARD_";
  for (char ch : path) name += ch == '.' ? '_' : static_cast<char>(std::toupper(ch));
  return name;
}

const Key* find_key(const std::string& path) {
  for (const auto& k : keys())
    if (path == k.path) return &k;
  return nullptr;
}

Status apply_yaml(const YAML::Node& node, const std::string& prefix, const std::string& file,
                  Config& config) {
  for (const auto& item : node) {
    std::string name = item.first.as<std::string>();
    std::string path = prefix.empty() ? name : prefix + "." + name;
    std::string where = file + ":" + std::to_string(item.first.Mark().line + 1);
    if (item.second.IsMap()) {
      SY_TRY(apply_yaml(item.second, path, file, config));
      continue;
    }
    const Key* key = find_key(path);
    if (!key) return config_error(where + ": unknown key '" + path + "'", path);
    if (!item.second.IsScalar())
      return config_error(where + ": '" + path + "' must be a single value", path);
    Status s = key->apply(config, item.second.Scalar(), path);
    if (!s.ok()) return config_error(where + ": " + s.error().message, path);
  }
  return {};
}

Status load_file(const std::string& file, Config& config) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    return config_error("cannot read configuration file '" + file + "'", "config");
  } catch (const YAML::Exception& e) {
    return config_error(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg, "config");
  }
  if (root.IsNull()) return {};
  if (!root.IsMap()) return config_error(file + ": the configuration must be a mapping", "config");
  return apply_yaml(root, "", file, config);
}

}  // namespace

Result<HostPort> parse_host_port(const std::string& text) {
  std::string host;
  std::string port;
  if (!text.empty() && text[0] == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return config_error("expected [ADDRESS]:PORT, got '" + text + "'", "");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
      return config_error("expected HOST:PORT, got '" + text + "'", "");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  auto n = parse_int(port, 0, 65535, "port");
  if (!n) return config_error("bad port in '" + text + "'", "");
  return HostPort{host, static_cast<std::uint16_t>(*n)};
}

std::map<std::string, std::string> environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

std::vector<std::pair<std::string, std::string>> known_keys() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& k : keys()) out.emplace_back(k.path, env_name(k.path));
  return out;
}

Result<Config> load(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env,
                    std::vector<std::string>* rest) {
  static const std::map<std::string, std::string> kFlags = {
      {"--data", "data_dir"}, {"--db", "db"}, {"--http", "http.listen"}, {"--sip", "sip.listen"}};
  Config config;
  std::string config_file;
  std::vector<std::pair<std::string, std::string>> flag_values;  // (key path, value)
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string value;
    bool has_inline = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    bool is_config = arg == "--config";
    auto flag = kFlags.find(arg);
    if (!is_config && flag == kFlags.end()) {
      rest->push_back(args[i]);
      continue;
    }
    if (!has_inline) {
      if (i + 1 >= args.size()) return config_error("flag " + arg + " needs a value", arg);
      value = args[++i];
    }
    if (is_config)
      config_file = value;
    else
      flag_values.emplace_back(flag->second, value);
  }

  if (config_file.empty()) {
    if (auto it = env.find("SWITCHYARD_CONFIG"); it != env.end()) config_file = it->second;
  }
  if (config_file.empty() && std::filesystem::exists("switchyard.yaml"))
    config_file = "switchyard.yaml";
  if (!config_file.empty()) {
    SY_TRY(load_file(config_file, config));
    config.config_file = config_file;
  }

  for (const auto& [name, value] : env) {
    if (name.rfind("SWITCHYARD_", 0) != 0 || name == "SWITCHYARD_CONFIG") continue;
    const Key* match = nullptr;
    for (const auto& k : keys())
      if (env_name(k.path) == name) match = &k;
    if (!match)
      return config_error("unknown environment variable " + name + " (see config/switchyard.yaml)",
                          name);
    Status s = match->apply(config, value, match->path);
    if (!s.ok()) return config_error(name + ": " + s.error().message, name);
  }
  for (const auto& [path, value] : flag_values) {
    Status s = find_key(path)->apply(config, value, path);
    if (!s.ok()) return s.error();
  }
  if (config.rtp.port_min >= config.rtp.port_max)
    return config_error("'rtp.port_min' must be below 'rtp.port_max'", "rtp.port_min");
  if (config.db_url.empty()) config.db_url = "sqlite:" + config.data_dir + "/switchyard.db";
  return config;
}

}  // namespace sy::config
