// The IVR interpreter's digit input (menu, collect, survey: barge-in, timeouts, retries,
// validation, masking) and branch conditions (time of day, weekday, holiday, caller, variables).
#include <charconv>

#include "ivr/session.h"

namespace sy::ivr {
namespace {

std::optional<long long> as_int(const std::string& s) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

template <class T>
bool compare(const T& a, CompareOp op, const T& b) {
  switch (op) {
    case CompareOp::kEq:
      return a == b;
    case CompareOp::kNe:
      return !(a == b);
    case CompareOp::kLt:
      return a < b;
    case CompareOp::kLe:
      return !(b < a);
    case CompareOp::kGt:
      return b < a;
    case CompareOp::kGe:
      return !(a < b);
  }
  return false;
}

}  // namespace

const DigitInput& Session::input() const {
  const auto& body = node().body;
  if (const auto* m = std::get_if<MenuNode>(&body)) return m->input;
  if (const auto* c = std::get_if<CollectNode>(&body)) return c->input;
  return std::get<SurveyNode>(body).input;
}

void Session::prompt_input(const Prompt* before, TimePoint now, Actions& out) {
  const DigitInput& in = input();
  const Prompt* prompt = &in.prompt;
  StartDigitCollectionAction collect{1, 0, in.timeout_s, in.inter_digit_timeout_s};
  if (const auto* c = std::get_if<CollectNode>(&node().body)) {
    collect.max_digits = c->max_digits;
    collect.terminator = c->terminator;
  } else if (const auto* s = std::get_if<SurveyNode>(&node().body)) {
    prompt = &s->questions[question_].prompt;
  }
  PlayAction play = render(before ? *before : Prompt{}, in.barge_in);
  for (auto& piece : render(*prompt, in.barge_in).pieces) play.pieces.push_back(std::move(piece));
  buffer_.clear();
  deadline_.reset();
  if (play.pieces.empty()) {
    state_ = SessionState::kCollecting;
    deadline_ = now + std::chrono::seconds(in.timeout_s);
  } else {
    out.emplace_back(std::in_place_type<PlayAction>, std::move(play));
    state_ = SessionState::kPrompting;
  }
  out.emplace_back(std::in_place_type<StartDigitCollectionAction>, collect);
}

void Session::input_digit(char key, TimePoint now, Actions& out) {
  const auto& body = node().body;
  if (const auto* m = std::get_if<MenuNode>(&body)) {
    auto it = m->options.find(key);
    if (it == m->options.end()) {
      attempt_failed(false, now, out);
      return;
    }
    trace_.digits.push_back({node_id_, std::string(1, key), false});  // the menu choice
    go(it->second, now, out);
    return;
  }
  if (std::holds_alternative<SurveyNode>(body)) {
    survey_answer(key, now, out);
    return;
  }
  const auto& c = std::get<CollectNode>(body);
  if (c.terminator != 0 && key == c.terminator) {
    collect_done(now, out);
    return;
  }
  buffer_ += key;
  if (static_cast<int>(buffer_.size()) >= c.max_digits) {
    collect_done(now, out);
    return;
  }
  deadline_ = now + std::chrono::seconds(c.input.inter_digit_timeout_s);
}

void Session::collect_done(TimePoint now, Actions& out) {
  const auto& c = std::get<CollectNode>(node().body);
  int n = static_cast<int>(buffer_.size());
  bool valid = n >= c.min_digits && n <= c.max_digits;
  if (valid && c.pattern) valid = std::regex_match(buffer_, *c.pattern);
  if (!valid) {
    attempt_failed(false, now, out);
    return;
  }
  vars_[c.var] = buffer_;
  trace_.digits.push_back(
      {node_id_, c.masked ? std::string(buffer_.size(), '*') : buffer_, c.masked});
  go(c.next, now, out);
}

void Session::survey_answer(char key, TimePoint now, Actions& out) {
  const auto& s = std::get<SurveyNode>(node().body);
  if (!s.questions[question_].answers.count(key)) {
    attempt_failed(false, now, out);
    return;
  }
  trace_.survey_answers.push_back({s.name, s.questions[question_].id, key});
  vars_["survey_" + s.questions[question_].id] = std::string(1, key);  // for later branches
  if (++question_ < s.questions.size()) {
    attempts_used_ = 0;
    prompt_input(nullptr, now, out);
    return;
  }
  if (s.next.empty())
    end("survey_done", out, true);
  else
    go(s.next, now, out);
}

void Session::attempt_failed(bool no_input, TimePoint now, Actions& out) {
  const DigitInput& in = input();
  if (++attempts_used_ < in.attempts) {
    const Prompt& before = no_input ? in.no_input_prompt : in.invalid_prompt;
    prompt_input(&before, now, out);
    return;
  }
  const auto& body = node().body;
  if (const auto* m = std::get_if<MenuNode>(&body)) {
    go(m->on_fail, now, out);
  } else if (const auto* c = std::get_if<CollectNode>(&body)) {
    go(c->on_fail, now, out);
  } else {
    // A survey question left unanswered is recorded as such and the survey moves on.
    const auto& s = std::get<SurveyNode>(body);
    trace_.survey_answers.push_back({s.name, s.questions[question_].id, 0});
    if (++question_ < s.questions.size()) {
      attempts_used_ = 0;
      prompt_input(nullptr, now, out);
    } else if (s.next.empty()) {
      end("survey_done", out, true);
    } else {
      go(s.next, now, out);
    }
  }
}

const std::string* Session::choose_branch(const BranchNode& b, TimePoint now) const {
  for (const auto& c : b.cases)
    if (case_matches(c, now)) return &c.target;
  return &b.next;
}

bool Session::case_matches(const BranchCase& c, TimePoint now) const {
  using namespace std::chrono;
  auto local = floor<minutes>(now) + minutes{flow_->utc_offset_min};
  auto day = floor<days>(local);
  if (c.time_minutes) {
    int m = static_cast<int>((local - day).count());
    auto [from, to] = *c.time_minutes;
    bool inside = from < to ? (m >= from && m < to) : (m >= from || m < to);  // may wrap midnight
    if (!inside) return false;
  }
  if (c.weekdays && !(*c.weekdays)[weekday{day}.iso_encoding() - 1]) return false;
  if (!c.holiday_calendar.empty()) {
    year_month_day ymd{day};
    Date d{static_cast<int>(ymd.year()), static_cast<int>(unsigned(ymd.month())),
           static_cast<int>(unsigned(ymd.day()))};
    auto cal = flow_->calendars.find(c.holiday_calendar);
    if (cal == flow_->calendars.end() || !cal->second.count(d)) return false;
  }
  if (c.caller) {
    auto it = vars_.find("caller");
    if (!std::regex_search(it == vars_.end() ? std::string() : it->second, *c.caller)) return false;
  }
  for (const auto& v : c.vars) {
    auto it = vars_.find(v.var);
    std::string value = it == vars_.end() ? std::string() : it->second;
    auto a = as_int(value), b = as_int(v.value);
    bool ok = a && b ? compare(*a, v.op, *b) : compare(value, v.op, v.value);
    if (!ok) return false;
  }
  return true;
}

}  // namespace sy::ivr
