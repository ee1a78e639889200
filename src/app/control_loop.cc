#include "app/control_loop.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <future>
#include <memory>

namespace sy::app {

ControlLoop::ControlLoop() : guard_(boost::asio::make_work_guard(io_)) {}

ControlLoop::~ControlLoop() { stop(); }

void ControlLoop::start() {
  thread_ = std::thread([this] { io_.run(); });
}

void ControlLoop::stop() {
  guard_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void ControlLoop::post(std::function<void()> fn) { boost::asio::post(io_, std::move(fn)); }

void ControlLoop::every(std::chrono::milliseconds period, std::function<void()> fn) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io_);
  auto tick = std::make_shared<std::function<void()>>();
  *tick = [timer, period, fn = std::move(fn), weak = std::weak_ptr(tick)] {
    timer->expires_after(period);
    timer->async_wait([fn, weak](const boost::system::error_code& ec) {
      if (ec) return;
      fn();
      if (auto next = weak.lock()) (*next)();
    });
  };
  // The closure refers to itself weakly; the loop keeps it alive until it is destroyed.
  post([tick] { (*tick)(); });
  ticks_.push_back(tick);
}

bool ControlLoop::responsive(std::chrono::milliseconds timeout) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  post([done] { done->set_value(); });
  return future.wait_for(timeout) == std::future_status::ready;
}

}  // namespace sy::app
