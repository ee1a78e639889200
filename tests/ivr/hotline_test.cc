// Replayed calls through the shipped 95598 flow: what a caller hears and where the call ends up.
#include <gtest/gtest.h>

#include "replay.h"

namespace sy::ivr {
namespace {

using namespace std::chrono_literals;
using testing::china_time;
using testing::Replay;

std::shared_ptr<const Flow> hotline() {
  static auto flow = testing::load_flow_file(SY_SOURCE_DIR "/config/flows/hotline-95598.yaml");
  return flow;
}

// Monday 2026-11-23, 10:00 in Fuzhou: day service, not a holiday.
const TimePoint kMorning = china_time(2026, 11, 23, 10, 0);
const std::string kCaller = "13905910001";

// A known, non-VIP caller with no outage in the area, standing at the main menu.
Replay at_main_menu(TimePoint when = kMorning) {
  Replay r(hotline(), when);
  r.start(kCaller).prompt_done();
  r.lookup("found", {{"customer_id", "42"}, {"customer_name", "林先生"}});
  r.lookup("no", {{"vip", "no"}});
  r.lookup("none");
  return r;
}

std::vector<std::string> tail(const std::vector<std::string>& path, std::size_t n) {
  return {path.end() - static_cast<long>(std::min(n, path.size())), path.end()};
}

TEST(Hotline95598, VipCallerSkipsTheMenuToThePriorityQueue) {
  Replay r(hotline(), kMorning);
  r.start(kCaller);
  ASSERT_NE(r.last_of<PlayAction>(), nullptr);
  EXPECT_EQ(r.last_spoken(), "您好，欢迎致电95598供电服务热线。");
  r.prompt_done();
  const auto* who = r.last_of<LookupAction>();
  ASSERT_NE(who, nullptr);
  EXPECT_EQ(who->kind, LookupKind::kCustomerByCaller);
  EXPECT_EQ(who->args.at("caller"), kCaller);
  r.lookup("found", {{"customer_id", "42"}, {"customer_name", "林先生"}});
  ASSERT_NE(r.last_of<LookupAction>(), nullptr);
  EXPECT_EQ(r.last_of<LookupAction>()->args.at("customer_id"), "42");
  r.lookup("yes");  // the engine sets the vip variable itself
  r.keys("1");      // no barge-in on the VIP greeting
  EXPECT_TRUE(r.last().empty());
  r.prompt_done();
  const auto* q = r.last_of<EnqueueAction>();
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->spec.name, "vip");
  EXPECT_EQ(q->effective_priority, 9);
  EXPECT_EQ(q->attached.at("customer_name"), "林先生");
  EXPECT_EQ(r.path(), (std::vector<std::string>{"welcome", "identify", "vip_check", "vip_greeting",
                                                "vip_queue"}));
  EXPECT_EQ(r.session().state(), SessionState::kQueued);
}

TEST(Hotline95598, OutageNoticeWhenTheCallersAreaHasAnOutage) {
  Replay r(hotline(), kMorning);
  r.start(kCaller).prompt_done().lookup("none");  // unknown customer: no VIP check
  const auto* outage = r.last_of<LookupAction>();
  ASSERT_NE(outage, nullptr);
  EXPECT_EQ(outage->kind, LookupKind::kOutageForCaller);
  r.lookup("found", {{"area_name", "鼓楼区"},
                     {"outage_reason", "线路故障抢修"},
                     {"restore_at", "2026-11-23T15:00:00+08:00"}});
  EXPECT_EQ(r.last_spoken(),
            "您所在的鼓楼区因线路故障抢修正在停电，预计十一月二十三日 "
            "下午三点恢复供电。给您带来不便，敬请谅解。");
  r.prompt_done();
  EXPECT_EQ(r.path(), (std::vector<std::string>{"welcome", "identify", "hours", "outage",
                                                "outage_notice", "menu"}));
}

TEST(Hotline95598, BillEnquiryWithCorrectPinSpeaksTheAmounts) {
  Replay r = at_main_menu();
  ASSERT_EQ(r.session().current_node(), "menu");
  r.keys("1");  // barge-in during the menu prompt
  EXPECT_NE(r.last_of<StopPlaybackAction>(), nullptr);
  r.prompt_done().keys("0591000123#");
  const auto* collect = r.last_of<StartDigitCollectionAction>();
  ASSERT_NE(collect, nullptr);
  EXPECT_EQ(collect->max_digits, 6);
  EXPECT_EQ(collect->terminator, '#');
  r.prompt_done().keys("246810#");
  const auto* check = r.last_of<LookupAction>();
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->kind, LookupKind::kAccountPinCheck);
  EXPECT_EQ(check->args.at("account"), "0591000123");
  EXPECT_EQ(check->args.at("pin"), "246810");
  r.lookup("ok").lookup("found", {{"bill_month", "十月"}, {"bill_amount_fen", "12345"}});
  r.lookup("found", {{"arrears_fen", "1005"}, {"due_at", "2026-11-30T00:00:00+08:00"}});
  EXPECT_EQ(r.last_spoken(),
            "您户号零五九一零零零一二三的十月电费为一百二十三元四角五分。"
            "截至目前，您共欠费十元零五分，请于十一月三十日前缴清，以免影响正常用电。");
  EXPECT_EQ(tail(r.path(), 6), (std::vector<std::string>{"bill_account", "bill_pin", "pin_check",
                                                         "bill", "arrears", "bill_with_arrears"}));
  // The call record keeps the menu choice and the account number but never the PIN.
  const auto& digits = r.session().trace().digits;
  ASSERT_EQ(digits.size(), 3u);
  EXPECT_EQ(digits[0].node, "menu");
  EXPECT_EQ(digits[0].digits, "1");
  EXPECT_EQ(digits[1].digits, "0591000123");
  EXPECT_EQ(digits[2].node, "bill_pin");
  EXPECT_EQ(digits[2].digits, "******");
  EXPECT_TRUE(digits[2].masked);
  r.prompt_done().keys("*");  // back to the main menu
  EXPECT_EQ(r.session().current_node(), "menu");
}

TEST(Hotline95598, WrongPinThreeTimesGoesToAnAgent) {
  Replay r = at_main_menu();
  r.keys("1").prompt_done().keys("0591000123#").prompt_done().keys("111111#");
  for (int attempt = 1; attempt <= 2; ++attempt) {
    r.lookup("wrong");
    EXPECT_EQ(r.last_spoken(), "密码错误，请重新输入。") << attempt;
    r.prompt_done();
    EXPECT_EQ(r.session().current_node(), "bill_pin");
    r.prompt_done().keys("111111#");
  }
  r.lookup("wrong");
  EXPECT_EQ(r.last_spoken(), "密码错误次数过多，正在为您转接人工服务。");
  r.prompt_done();
  const auto* q = r.last_of<EnqueueAction>();
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->spec.name, "general");
  EXPECT_EQ(q->attached.at("account"), "0591000123");
  EXPECT_EQ(tail(r.path(), 4),
            (std::vector<std::string>{"pin_retry", "pin_give_up", "pin_fallback", "agent"}));
  EXPECT_EQ(r.session().variables().at("pin_failures"), "3");
}

TEST(Hotline95598, NoInputAtTheMenuRetriesThenGoesToAnAgent) {
  Replay r = at_main_menu();
  r.prompt_done();
  ASSERT_TRUE(r.session().next_deadline().has_value());
  EXPECT_EQ(*r.session().next_deadline(), kMorning + 5s);
  r.advance(4s);
  EXPECT_TRUE(r.last().empty());  // not yet
  r.advance(1s);
  EXPECT_EQ(r.last_spoken().rfind("对不起，没有听到您的按键。查询电费", 0), 0u) << r.last_spoken();
  r.prompt_done().advance(5s);
  EXPECT_NE(r.last_of<PlayAction>(), nullptr);
  r.prompt_done().advance(5s);  // third attempt: on_fail
  ASSERT_NE(r.last_of<EnqueueAction>(), nullptr);
  EXPECT_EQ(r.last_of<EnqueueAction>()->spec.name, "general");
  EXPECT_EQ(tail(r.path(), 2), (std::vector<std::string>{"menu", "agent"}));
}

TEST(Hotline95598, InvalidMenuKeyIsToldAndAskedAgain) {
  Replay r = at_main_menu();
  r.prompt_done().keys("7");
  EXPECT_EQ(r.last_spoken().rfind("您的输入有误。查询电费", 0), 0u);
  EXPECT_EQ(r.session().current_node(), "menu");
  r.keys("3");  // barge in on the re-prompt
  EXPECT_EQ(r.last_of<LookupAction>()->kind, LookupKind::kOutagePlans);
  r.lookup("found", {{"area_name", "仓山区"},
                     {"plan_start", "2026-11-25T08:00:00+08:00"},
                     {"plan_end", "2026-11-25T17:30:00+08:00"},
                     {"plan_reason", "线路检修"}});
  EXPECT_EQ(r.last_spoken(),
            "您所在的仓山区计划于十一月二十五日 上午八点至十一月二十五日 "
            "下午五点三十分停电，原因是线路检修。");
}

TEST(Hotline95598, FaultRepairRecordsTheContactAndQueuesForRepair) {
  Replay r = at_main_menu();
  r.keys("2");
  EXPECT_EQ(r.last_spoken(),
            "故障报修。您的来电号码是一三九零五九一零零零一，使用此号码联系您请按1，"
            "使用其他号码请按2。");
  r.keys("2").prompt_done().keys("059187654321");  // 12 digits: max reached, no # needed
  EXPECT_EQ(r.last_spoken(), "正在为您转接故障报修专席，请稍候。");
  r.prompt_done();
  const auto* q = r.last_of<EnqueueAction>();
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->spec.name, "repair");
  EXPECT_EQ(q->spec.skills.at("repair"), 3);
  EXPECT_EQ(q->effective_priority, 4);
  EXPECT_EQ(q->attached.at("repair_contact"), "059187654321");
  EXPECT_EQ(q->attached.at("contact_reason"), "fault_repair");
  EXPECT_EQ(q->attached.at("customer_id"), "42");
  EXPECT_EQ(tail(r.path(), 6),
            (std::vector<std::string>{"menu", "repair", "repair_number", "repair_record",
                                      "repair_notice", "repair_queue"}));
}

TEST(Hotline95598, BusyQueueOffersACallback) {
  Replay r = at_main_menu();
  r.keys("0").queue_outcome("timeout");
  EXPECT_EQ(r.session().current_node(), "callback_offer");
  r.keys("1");
  ASSERT_NE(r.last_of<RequestCallbackAction>(), nullptr);
  EXPECT_EQ(r.last_of<RequestCallbackAction>()->number, kCaller);
  r.prompt_done();
  ASSERT_NE(r.last_of<HangupAction>(), nullptr);
  EXPECT_EQ(r.session().trace().end_reason, "callback_requested");
}

TEST(Hotline95598, NightBranchAt23hShanghai) {
  Replay night(hotline(), china_time(2026, 11, 23, 23, 0));  // 15:00 UTC
  night.start(kCaller).prompt_done().lookup("none");
  EXPECT_EQ(night.path(),
            (std::vector<std::string>{"welcome", "identify", "hours", "night_notice"}));
  night.prompt_done().keys("9");
  EXPECT_EQ(night.session().current_node(), "voicemail");
  night.prompt_done();
  ASSERT_NE(night.last_of<RecordVoicemailAction>(), nullptr);
  EXPECT_EQ(night.last_of<RecordVoicemailAction>()->mailbox, "hotline");
  night.voicemail_done().prompt_done();
  EXPECT_EQ(night.session().trace().end_reason, "ivr_complete");
  EXPECT_EQ(night.session().state(), SessionState::kEnded);
}

TEST(Hotline95598, DayServiceEndsAt20h) {
  Replay before(hotline(), china_time(2026, 11, 23, 19, 59));
  before.start(kCaller).prompt_done().lookup("none");
  EXPECT_EQ(before.session().current_node(), "outage");
  Replay after(hotline(), china_time(2026, 11, 23, 20, 0));
  after.start(kCaller).prompt_done().lookup("none");
  EXPECT_EQ(after.session().current_node(), "night_notice");
}

TEST(Hotline95598, HolidayBranchOnNationalDay) {
  Replay r(hotline(), china_time(2026, 10, 3, 10, 0));
  r.start(kCaller).prompt_done().lookup("none");
  EXPECT_EQ(r.session().current_node(), "holiday_notice");
  EXPECT_EQ(r.last_spoken().rfind("今天是法定节假日", 0), 0u);
}

TEST(Hotline95598, InvalidDtmfIsRejectedAndChangesNothing) {
  Replay r = at_main_menu();
  for (char bad : {'x', 'E', ' ', '\0', '\xff'}) {
    auto result = r.session().digit(bad, r.now());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "invalid_dtmf");
  }
  EXPECT_EQ(r.session().current_node(), "menu");
  EXPECT_EQ(r.session().state(), SessionState::kPrompting);
}

// The agent answered a caller who came through the menu (0) to the general queue.
Replay with_agent(TimePoint when = kMorning) {
  Replay r = at_main_menu(when);
  r.keys("0");
  EXPECT_EQ(r.session().state(), SessionState::kQueued);
  EXPECT_TRUE(r.session().call_ended("agent_answered", r.now()).ok());
  return r;
}

TEST(Hotline95598, ReturnPointsAreTheSurveyAndThePinCheck) {
  const auto& points = hotline()->agent_return;
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].node, "satisfaction_survey");
  EXPECT_EQ(points[0].label, "满意度调查");
  EXPECT_EQ(points[0].label_en, "Satisfaction survey");
  EXPECT_EQ(points[1].node, "agent_pin");
  EXPECT_EQ(points[1].label_en, "PIN check");
}

TEST(Hotline95598, AgentSendsCallerToSatisfactionSurvey) {
  Replay r = with_agent();
  r.return_to("satisfaction_survey", {{"queue", "general"}});
  EXPECT_EQ(r.last_spoken(), "对本次服务满意请按1，基本满意请按2，不满意请按3。");
  r.keys("1");
  EXPECT_EQ(r.last_spoken(), "感谢您的评价，再见。");
  r.prompt_done();
  EXPECT_EQ(r.session().trace().end_reason, "survey_done");
  ASSERT_NE(r.last_of<HangupAction>(), nullptr);
  EXPECT_EQ(r.last_of<HangupAction>()->reason, "survey_done");
  EXPECT_EQ(tail(r.path(), 4), (std::vector<std::string>{"menu", "agent", "satisfaction_survey",
                                                         "survey_thanks"}));
  const auto& answers = r.session().trace().survey_answers;
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].survey, "satisfaction");
  EXPECT_EQ(answers[0].answer, '1');
}

TEST(Hotline95598, PinCheckForTheAgentQueuesBackWithPinVerified) {
  Replay r = with_agent();
  // The agent had moved the call to the repair queue: the caller goes back there.
  r.return_to("agent_pin", {{"queue", "repair"}});
  EXPECT_EQ(r.last_spoken(), "请输入您的用电户号，以井号键结束。");  // no account given in the IVR
  r.prompt_done().keys("0591000123#").prompt_done().keys("246810#");
  const auto* check = r.last_of<LookupAction>();
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->kind, LookupKind::kAccountPinCheck);
  EXPECT_EQ(check->args.at("account"), "0591000123");
  r.lookup("ok");
  EXPECT_EQ(r.last_spoken(), "密码验证通过，正在为您转回人工服务，请稍候。");
  r.prompt_done();
  const auto* q = r.last_of<EnqueueAction>();
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->spec.name, "repair");
  EXPECT_EQ(q->attached.at("pin_verified"), "yes");
  EXPECT_EQ(r.session().state(), SessionState::kQueued);
  // The PIN is masked in the record; the account is kept.
  const auto& digits = r.session().trace().digits;
  ASSERT_GE(digits.size(), 2u);
  EXPECT_EQ(digits[digits.size() - 2].node, "agent_pin_account");
  EXPECT_EQ(digits.back().node, "agent_pin_entry");
  EXPECT_EQ(digits.back().digits, "******");
}

TEST(Hotline95598, WrongPinForTheAgentIsAskedAgainThenBackToTheQueue) {
  Replay r = at_main_menu();
  r.keys("1").prompt_done().keys("0591000123#").prompt_done().keys("246810#").lookup("ok");
  r.lookup("none").prompt_done().keys("0");  // after the bill: agent
  ASSERT_EQ(r.session().state(), SessionState::kQueued);
  ASSERT_TRUE(r.session().call_ended("agent_answered", r.now()).ok());
  r.return_to("agent_pin", {{"queue", "general"}});
  EXPECT_EQ(r.last_spoken(), "请输入六位查询密码，以井号键结束。");  // the account is known
  for (int attempt = 1; attempt <= 2; ++attempt) {
    r.prompt_done().keys("111111#").lookup("wrong");
    EXPECT_EQ(r.last_spoken(), "密码错误，请重新输入。") << attempt;
    r.prompt_done();
    EXPECT_EQ(r.session().current_node(), "agent_pin_entry") << attempt;
  }
  r.prompt_done().keys("111111#").lookup("wrong");
  EXPECT_EQ(r.last_spoken(), "密码错误次数过多，正在为您转接人工服务。");
  r.prompt_done();
  const auto* q = r.last_of<EnqueueAction>();
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->spec.name, "general");
  EXPECT_EQ(q->attached.count("pin_verified"), 0u);
}

}  // namespace
}  // namespace sy::ivr
