// The control thread that owns contact-centre state (design §2): one Asio io_context run by
// one thread. Adapters post work to it; it never blocks. For now it runs housekeeping timers
// and answers health probes; the routing and telephony parts attach to it as they land.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>
#include <thread>

namespace sy::app {

class ControlLoop {
 public:
  ControlLoop();
  ~ControlLoop();
  ControlLoop(const ControlLoop&) = delete;
  ControlLoop& operator=(const ControlLoop&) = delete;

  void start();
  void stop();  // idempotent; joins the thread

  boost::asio::io_context& context() { return io_; }
  void post(std::function<void()> fn);
  // Runs `fn` every `period` on the loop until stop().
  void every(std::chrono::milliseconds period, std::function<void()> fn);
  // True when the loop ran a posted no-op within `timeout` (health probe).
  bool responsive(std::chrono::milliseconds timeout);

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
  std::vector<std::shared_ptr<std::function<void()>>> ticks_;  // periodic jobs (see every)
};

}  // namespace sy::app
