#include "config/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace sy::config {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(Config, DefaultsPointAtTheDataDirectory) {
  std::vector<std::string> rest;
  auto c = load({}, {}, &rest);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->db_url, "sqlite:./var/switchyard.db");
  EXPECT_EQ(c->http.listen.port, 8080);
  EXPECT_EQ(c->centre.time_zone, "Asia/Shanghai");
}

TEST(Config, ShippedExampleLoads) {
  std::vector<std::string> rest;
  auto c = load({"--config", SY_SOURCE_DIR "/config/switchyard.yaml"}, {}, &rest);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->sip.listen.port, 5060);
}

TEST(Config, FlagsBeatEnvironmentWhichBeatsTheFile) {
  auto file = write_temp("sy_cfg_order.yaml", "http:\n  listen: 127.0.0.1:9000\n  threads: 3\n");
  std::vector<std::string> rest;
  auto c = load({"--config", file, "--http", "127.0.0.1:0", "--data", "/tmp/x", "extra"},
                {{"SWITCHYARD_HTTP_THREADS", "4"}, {"SWITCHYARD_HTTP_LISTEN", "127.0.0.1:9001"}},
                &rest);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->http.listen.port, 0);
  EXPECT_EQ(c->http.threads, 4);
  EXPECT_EQ(c->data_dir, "/tmp/x");
  EXPECT_EQ(c->db_url, "sqlite:/tmp/x/switchyard.db");
  EXPECT_EQ(rest, std::vector<std::string>{"extra"});
}

TEST(Config, UnknownKeyIsNamedWithItsLine) {
  auto file = write_temp("sy_cfg_unknown.yaml", "http:\n  threads: 2\n  lisen: 1.2.3.4:80\n");
  std::vector<std::string> rest;
  auto c = load({"--config", file}, {}, &rest);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find(":3: unknown key 'http.lisen'"), std::string::npos)
      << c.error().message;
}

TEST(Config, BadValuesAreNamed) {
  std::vector<std::string> rest;
  auto c = load({}, {{"SWITCHYARD_HTTP_THREADS", "many"}}, &rest);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("SWITCHYARD_HTTP_THREADS"), std::string::npos);
  c = load({}, {{"SWITCHYARD_NO_SUCH_THING", "1"}}, &rest);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("SWITCHYARD_NO_SUCH_THING"), std::string::npos);
  c = load({"--db", "mysql://x"}, {}, &rest);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().field, "db");
  c = load({}, {{"SWITCHYARD_CENTRE_TIME_ZONE", "Mars/Olympus"}}, &rest);
  ASSERT_FALSE(c.ok());
  c = load({"--http", "nonsense"}, {}, &rest);
  ASSERT_FALSE(c.ok());
  c = load({"--data"}, {}, &rest);
  ASSERT_FALSE(c.ok());
}

TEST(Config, MalformedYamlReportsLine) {
  auto file = write_temp("sy_cfg_bad.yaml", "http:\n  listen: [unclosed\n");
  std::vector<std::string> rest;
  auto c = load({"--config", file}, {}, &rest);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("sy_cfg_bad.yaml:"), std::string::npos) << c.error().message;
}

TEST(HostPort, ParsesIpv4AndIpv6) {
  auto a = parse_host_port("0.0.0.0:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "0.0.0.0");
  auto b = parse_host_port("[::1]:5060");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 5060);
  EXPECT_FALSE(parse_host_port("localhost:99999").ok());
}

}  // namespace
}  // namespace sy::config
