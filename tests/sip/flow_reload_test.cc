// Flow hot reload as an operator experiences it: edit the file and new calls get the new flow;
// save a broken file and calls keep the last good flow while the error names the line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "app/flow_registry.h"

namespace sy::app {
namespace {

namespace fs = std::filesystem;

std::string flow_text(const std::string& id) {
  return "id: " + id + "\nentry: bye\nnodes:\n  bye:\n    hangup: {reason: done}\n";
}

class FlowReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sy-flow-reload-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    path_ = (dir_ / "hotline.yaml").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Writes and moves the mtime forward, as an editor saving seconds later would.
  void write(const std::string& text) {
    std::ofstream(path_, std::ios::trunc) << text;
    fs::last_write_time(path_, fs::last_write_time(path_) + std::chrono::seconds(++saves_));
  }
  fs::path dir_;
  std::string path_;
  int saves_ = 0;
};

TEST_F(FlowReloadTest, EditedFlowReplacesTheOldOneForNewCalls) {
  write(flow_text("v1"));
  auto registry = FlowRegistry::load({{"95598", path_}});
  ASSERT_TRUE(registry) << registry.error().message;
  auto first = (*registry)->flow_for("95598");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, "v1");
  EXPECT_EQ((*registry)->flow_for("12345"), nullptr);
  EXPECT_EQ((*registry)->reload_changed(), 0);  // unchanged file: nothing to do

  write(flow_text("v2"));
  EXPECT_EQ((*registry)->reload_changed(), 1);
  EXPECT_EQ((*registry)->flow_for("95598")->id, "v2");
  EXPECT_EQ(first->id, "v1");  // a call that started on v1 keeps it
}

TEST_F(FlowReloadTest, BrokenEditKeepsTheLastGoodFlow) {
  write(flow_text("good"));
  auto registry = FlowRegistry::load({{"95598", path_}});
  ASSERT_TRUE(registry);
  write("id: bad\nentry: nowhere\nnodes:\n  a: {play: {tts: x}, next: missing}\n");
  EXPECT_EQ((*registry)->reload_changed(), 0);
  EXPECT_EQ((*registry)->flow_for("95598")->id, "good");
}

TEST_F(FlowReloadTest, BrokenFileAtStartIsAnErrorWithFileAndLine) {
  write("id: x\nentry: a\nnodes:\n  a: {play: {tts: x}, next: missing}\n");
  auto registry = FlowRegistry::load({{"95598", path_}});
  ASSERT_FALSE(registry);
  EXPECT_NE(registry.error().message.find(path_ + ":"), std::string::npos)
      << registry.error().message;
}

}  // namespace
}  // namespace sy::app
