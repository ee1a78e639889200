// The interpreter on small inline flows: timeouts, barge-in, validation, every node kind.
#include "ivr/session.h"

#include <gtest/gtest.h>

#include <random>

#include "replay.h"

namespace sy::ivr {
namespace {

using namespace std::chrono_literals;
using testing::china_time;
using testing::load_flow;
using testing::Replay;

const TimePoint kNoon = china_time(2026, 11, 23, 12, 0);

const char* kCollectFlow = R"(
id: collect
entry: account
nodes:
  account:
    collect: {prompt: {tts: "请输入户号"}, invalid: {tts: "有误。"}, var: account, min: 4, max: 8,
              terminator: "#", pattern: "05[0-9]*", timeout_s: 6, inter_digit_timeout_s: 3,
              retries: 1, on_fail: failed}
    next: done
  done: {hangup: {reason: got_it}}
  failed: {hangup: {reason: gave_up}}
)";

TEST(IvrSession, InterDigitTimeoutEndsAnEntryThatIsLongEnough) {
  Replay r(load_flow(kCollectFlow), kNoon);
  r.start("1").prompt_done();
  EXPECT_EQ(*r.session().next_deadline(), kNoon + 6s);  // first digit: 6 s after the prompt
  r.advance(2s).keys("0591");
  EXPECT_EQ(*r.session().next_deadline(), kNoon + 5s);  // inter-digit: 3 s after the last key
  r.advance(2s);
  EXPECT_TRUE(r.last().empty());
  r.advance(1s);
  EXPECT_EQ(r.session().trace().end_reason, "got_it");
  EXPECT_EQ(r.session().variables().at("account"), "0591");
}

TEST(IvrSession, EntriesFailingValidationAreRetriedThenOnFail) {
  Replay r(load_flow(kCollectFlow), kNoon);
  r.start("1").prompt_done().keys("1234#");  // pattern wants a leading 05
  EXPECT_EQ(r.last_spoken(), "有误。请输入户号");
  r.prompt_done().keys("05#");  // too short
  EXPECT_EQ(r.session().trace().end_reason, "gave_up");
  EXPECT_TRUE(r.session().trace().digits.empty());
  EXPECT_EQ(r.path(), (std::vector<std::string>{"account", "failed"}));
}

TEST(IvrSession, DigitsBeforeThePromptEndsBargeIn) {
  Replay r(load_flow(kCollectFlow), kNoon);
  r.start("1");
  EXPECT_EQ(r.session().state(), SessionState::kPrompting);
  EXPECT_FALSE(r.session().next_deadline().has_value());  // no timeout while the prompt plays
  r.keys("0");
  ASSERT_NE(r.last_of<StopPlaybackAction>(), nullptr);
  r.prompt_done();  // a late notice for the stopped prompt changes nothing
  r.keys("5910#");
  EXPECT_EQ(r.session().variables().at("account"), "05910");
}

TEST(IvrSession, NoBargeInIgnoresKeysDuringThePrompt) {
  Replay r(load_flow(R"(
id: nb
entry: m
nodes:
  m: {menu: {prompt: hi, barge_in: false, options: {"1": bye}, on_fail: bye}}
  bye: {hangup: done}
)"),
           kNoon);
  r.start("1").keys("1");
  EXPECT_TRUE(r.last().empty());
  EXPECT_EQ(r.session().current_node(), "m");
  r.prompt_done().keys("1");
  EXPECT_EQ(r.session().trace().end_reason, "done");
}

TEST(IvrSession, BranchOnWeekdayCallerAndVariables) {
  auto flow = load_flow(R"(
id: br
entry: b
nodes:
  b:
    branch:
      - {caller: "^1390591", goto: fuzhou}
      - {weekdays: [sat, sun], goto: weekend}
      - {var: level, op: ">", value: 9, goto: big}
    next: other
  fuzhou: {hangup: fuzhou}
  weekend: {hangup: weekend}
  big: {hangup: big}
  other: {hangup: other}
)");
  auto end_reason = [&](const std::string& caller, TimePoint t) {
    Session s(flow);
    EXPECT_TRUE(s.start(caller, "95598", t).ok());
    return s.trace().end_reason;
  };
  EXPECT_EQ(end_reason("13905910001", kNoon), "fuzhou");
  EXPECT_EQ(end_reason("13800000000", china_time(2026, 11, 22, 12, 0)), "weekend");  // Sunday
  EXPECT_EQ(end_reason("13800000000", kNoon), "other");  // Monday; level unset
}

TEST(IvrSession, SetAddsAndComparesNumerically) {
  auto flow = load_flow(R"(
id: count
entry: inc
nodes:
  inc: {set: {n: {add: 5}, label: "n={n}"}, next: check}
  check:
    branch: [{var: n, op: ">=", value: 10, goto: big}]
    next: inc
  big: {hangup: big}
)");
  Replay r(flow, kNoon);
  r.start("1");
  EXPECT_EQ(r.session().variables().at("n"), "10");
  EXPECT_EQ(r.session().variables().at("label"), "n=10");  // assignments apply in order
  EXPECT_EQ(r.session().trace().end_reason, "big");
}

TEST(IvrSession, AFlowLoopingWithoutInputIsStopped) {
  Replay r(load_flow("id: loop\nentry: a\nnodes:\n  a: {set: {x: y}, next: b}\n"
                     "  b: {branch: [{var: x, op: '==', value: z, goto: a}], next: a}\n"),
           kNoon);
  r.start("1");
  ASSERT_NE(r.last_of<HangupAction>(), nullptr);
  EXPECT_EQ(r.session().trace().end_reason, "flow_loop");
}

TEST(IvrSession, SurveyRecordsAnswersAndSkipsUnanswered) {
  Replay r(load_flow(R"(
id: visit
entry: s
nodes:
  s:
    survey:
      name: repair_visit
      timeout_s: 4
      retries: 1
      questions:
        - {id: satisfied, prompt: {tts: "满意请按1，不满意请按2"}, answers: [1, 2]}
        - {id: score, prompt: {tts: "请为服务打分，1到5分"}, answers: "1-5"}
    next: thanks
  thanks: {hangup: {reason: survey_done, prompt: {tts: "谢谢"}}}
)"),
           kNoon);
  r.start("1").prompt_done().keys("7");  // not an answer: asked again
  EXPECT_EQ(r.session().current_node(), "s");
  r.keys("2");
  EXPECT_EQ(r.last_spoken(), "请为服务打分，1到5分");
  r.prompt_done().advance(4s).prompt_done().advance(4s);  // no answer twice
  EXPECT_EQ(r.last_spoken(), "谢谢");
  const auto& answers = r.session().trace().survey_answers;
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].answer, '2');
  EXPECT_EQ(answers[1].question, "score");
  EXPECT_EQ(answers[1].answer, 0);
}

TEST(IvrSession, TransferAndFilePromptsAndQueueOutcomes) {
  Replay r(load_flow(R"(
id: misc
entry: hello
nodes:
  hello: {play: [{file: "prompts/hello.wav"}, {tts: "您好"}], next: q}
  q:
    queue: {name: general, priority: 2, vip_boost: 5}
    branches: {closed: out}
  out: {transfer: "0591{called}"}
)"),
           kNoon);
  r.start("13800000000", "95598");
  const auto* play = r.last_of<PlayAction>();
  ASSERT_NE(play, nullptr);
  ASSERT_EQ(play->pieces.size(), 2u);
  EXPECT_EQ(play->pieces[0], (SpokenPiece{PromptPiece::Kind::kFile, "prompts/hello.wav"}));
  r.keys("5");                                                   // barge-in skips the greeting
  EXPECT_EQ(r.last_of<EnqueueAction>()->effective_priority, 2);  // no vip variable
  r.queue_outcome("closed");
  EXPECT_EQ(r.last_of<TransferAction>()->target, "059195598");
  EXPECT_EQ(r.session().state(), SessionState::kEnded);
  EXPECT_EQ(r.session().trace().end_reason, "transferred");
}

TEST(IvrSession, EventsOutOfTurnAreErrorValues) {
  auto flow = load_flow("id: x\nentry: a\nnodes:\n  a: {lookup: vip, next: b}\n  b: {hangup: x}\n");
  Session s(flow);
  EXPECT_EQ(s.digit('1', kNoon).error().code, "session_not_started");
  ASSERT_TRUE(s.start("1", "2", kNoon).ok());
  EXPECT_EQ(s.start("1", "2", kNoon).error().code, "session_started");
  EXPECT_EQ(s.queue_outcome("timeout", kNoon).error().code, "not_queued");
  EXPECT_EQ(s.lookup_result("found", {}, kNoon).error().code, "unknown_lookup_result");
  ASSERT_TRUE(s.lookup_result("error", {}, kNoon).ok());  // no branch: next
  EXPECT_EQ(s.trace().end_reason, "x");
  EXPECT_EQ(s.tick(kNoon).error().code, "session_ended");
}

TEST(IvrSession, CallerHangingUpEndsTheSessionWithItsReason) {
  Replay r(load_flow(kCollectFlow), kNoon);
  r.start("1").prompt_done().keys("05");
  auto ended = r.session().call_ended("caller_hangup", r.now());
  ASSERT_TRUE(ended.ok());
  EXPECT_TRUE(ended.value().empty());
  EXPECT_EQ(r.session().trace().end_reason, "caller_hangup");
  EXPECT_FALSE(r.session().next_deadline().has_value());
}

TEST(IvrSession, HotReloadKeepsCallsOnTheirFlow) {
  auto v1 =
      load_flow("id: x\nentry: a\nnodes:\n  a: {play: {tts: v1}, next: b}\n  b: {hangup: one}\n");
  Session call(v1);
  ASSERT_TRUE(call.start("1", "2", kNoon).ok());
  v1.reset();  // the server swapped in a new version
  ASSERT_TRUE(call.prompt_finished(kNoon).ok());
  EXPECT_EQ(call.trace().end_reason, "one");
}

}  // namespace
}  // namespace sy::ivr

namespace sy::ivr {
namespace {

TEST(ReturnVisitFlow, UnresolvedRepairIsPutThroughToAnAgent) {
  auto flow = testing::load_flow_file(SY_SOURCE_DIR "/config/flows/return-visit-survey.yaml");
  testing::Replay r(flow, kNoon);
  r.start("13905910001", "95598");
  r.prompt_done().keys("2").keys("1").keys("4");
  EXPECT_EQ(r.last_spoken(), "很抱歉问题尚未解决，正在为您转接人工服务。");
  r.prompt_done();
  ASSERT_NE(r.last_of<EnqueueAction>(), nullptr);
  EXPECT_EQ(r.last_of<EnqueueAction>()->spec.name, "complaint");
  const auto& answers = r.session().trace().survey_answers;
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[2].question, "satisfaction");
  EXPECT_EQ(answers[2].answer, '4');
}

}  // namespace
}  // namespace sy::ivr

namespace sy::ivr {
namespace {

// Whatever order an adapter delivers events in, the engine answers with actions or error
// values, never a crash, and the call record stays consistent.
TEST(IvrSession, RandomEventsOnTheHotlineFlowNeverBreakIt) {
  auto flow = testing::load_flow_file(SY_SOURCE_DIR "/config/flows/hotline-95598.yaml");
  std::mt19937 rng(95598);
  const std::string keys = "0123456789*#";
  for (int call = 0; call < 200; ++call) {
    Session s(flow);
    TimePoint now = kNoon + std::chrono::hours(rng() % 24);
    ASSERT_TRUE(s.start("1390591" + std::to_string(call), "95598", now).ok());
    for (int step = 0; step < 60 && s.state() != SessionState::kEnded; ++step) {
      now += std::chrono::seconds(rng() % 4);
      switch (rng() % 5) {
        case 0:
          (void)s.digit(keys[rng() % keys.size()], now);
          break;
        case 1:
          (void)s.prompt_finished(now);
          break;
        case 2:
          (void)s.tick(now);
          break;
        case 3:
          (void)s.queue_outcome(rng() % 2 ? "timeout" : "closed", now);
          break;
        default: {
          if (s.state() != SessionState::kWaitingLookup) break;
          auto kind = std::get<LookupNode>(flow->nodes.at(s.current_node()).body).kind;
          auto results = lookup_result_keys(kind);
          ASSERT_TRUE(s.lookup_result(results[rng() % results.size()], {}, now).ok());
        }
      }
      if (s.state() == SessionState::kRecording) (void)s.voicemail_finished(now);
    }
    for (const auto& id : s.trace().path) EXPECT_NE(flow->find(id), nullptr);
    for (const auto& d : s.trace().digits)
      EXPECT_TRUE(d.node != "bill_pin" || d.digits == std::string(d.digits.size(), '*'));
  }
}

const char* kReturnFlow = R"(
id: returns
entry: menu
agent_return:
  - {node: rate, label: 满意度调查}
nodes:
  menu:
    menu: {prompt: {tts: "人工服务请按0"}, options: {"0": agent, "9": bye}, on_fail: bye, retries: 1}
  agent:
    queue: {name: general, attach: [score]}
  rate:
    survey:
      name: satisfaction
      retries: 1
      questions:
        - {id: satisfaction, prompt: {tts: "满意请按1，不满意请按3"}, answers: [1, 3]}
    next: thanks
  thanks: {hangup: {reason: survey_done, prompt: {tts: "谢谢"}}}
  bye: {hangup: {reason: bye}}
)";

TEST(IvrSession, MenuChoicesAreRecordedAsDigits) {
  Replay r(load_flow(kReturnFlow), kNoon);
  r.start("1").keys("7").prompt_done();  // a key the menu does not offer: not a choice
  r.keys("0");
  ASSERT_EQ(r.session().trace().digits.size(), 1u);
  EXPECT_EQ(r.session().trace().digits[0].node, "menu");
  EXPECT_EQ(r.session().trace().digits[0].digits, "0");
  EXPECT_FALSE(r.session().trace().digits[0].masked);
}

TEST(IvrSession, AgentReturnsAnsweredCallerToSurveyKeepingPathAndDigits) {
  Replay r(load_flow(kReturnFlow), kNoon);
  r.start("13905910001").keys("0");
  ASSERT_EQ(r.session().state(), SessionState::kQueued);
  EXPECT_EQ(r.session().variables().at("queue"), "general");
  // The agent answered: the telephony ends the IVR part of the call.
  ASSERT_TRUE(r.session().call_ended("agent_answered", r.now()).ok());
  r.return_to("rate", {{"queue", "general"}});
  EXPECT_EQ(r.session().state(), SessionState::kPrompting);
  EXPECT_EQ(r.last_spoken(), "满意请按1，不满意请按3");
  EXPECT_TRUE(r.session().trace().end_reason.empty());
  r.keys("2").prompt_done().keys("1");  // 2 is not an answer: asked again
  r.prompt_done();
  EXPECT_EQ(r.session().trace().end_reason, "survey_done");
  ASSERT_NE(r.last_of<HangupAction>(), nullptr);
  EXPECT_EQ(r.path(), (std::vector<std::string>{"menu", "agent", "rate", "thanks"}));
  ASSERT_EQ(r.session().trace().digits.size(), 1u);  // the menu choice is still there
  ASSERT_EQ(r.session().trace().survey_answers.size(), 1u);
  EXPECT_EQ(r.session().trace().survey_answers[0].survey, "satisfaction");
  EXPECT_EQ(r.session().trace().survey_answers[0].question, "satisfaction");
  EXPECT_EQ(r.session().trace().survey_answers[0].answer, '1');
  EXPECT_EQ(r.session().variables().at("caller"), "13905910001");  // variables are kept
}

TEST(IvrSession, ReturnWorksFromTheQueueToo) {
  Replay r(load_flow(kReturnFlow), kNoon);
  r.start("1").keys("0");
  r.return_to("rate");
  EXPECT_EQ(r.session().current_node(), "rate");
}

TEST(IvrSession, OnlyReturnPointsOfAHandedOverCallerAreAccepted) {
  Replay r(load_flow(kReturnFlow), kNoon);
  Session fresh(load_flow(kReturnFlow));
  auto not_started = fresh.return_to("rate", kNoon);
  ASSERT_FALSE(not_started.ok());
  EXPECT_EQ(not_started.error().code, "session_not_started");
  r.start("1");
  auto in_ivr = r.session().return_to("rate", r.now());  // still at the menu
  ASSERT_FALSE(in_ivr.ok());
  EXPECT_EQ(in_ivr.error().code, "in_ivr");
  r.keys("0");
  for (const char* node : {"bye", "menu", "nowhere"}) {
    auto refused = r.session().return_to(node, r.now());
    ASSERT_FALSE(refused.ok()) << node;
    EXPECT_EQ(refused.error().code, "not_a_return_point");
    EXPECT_EQ(refused.error().kind, ErrorKind::kNotFound);
    EXPECT_EQ(refused.error().message,
              std::string("node ") + node + " is not a return point of flow returns");
  }
  EXPECT_EQ(r.session().state(), SessionState::kQueued);  // nothing changed
}

}  // namespace
}  // namespace sy::ivr
