// The types a new centre starts with. Deadlines follow the State Grid 95598 service
// commitments: repair crews on site within 45 / 90 / 120 minutes (urban / rural / remote service
// area) and supply restored within 3 h (urban) or 4 h (rural, remote) of arrival; complaints:
// contact within 1 working day, reply within 7; planned outages announced 7 days ahead,
// temporary ones 24 hours ahead. Admins may change any of it.
#include "workflow/order_type.h"

namespace sy::workflow {
namespace {

DeadlineSpec minutes(std::int64_t n) { return {n, DeadlineUnit::kMinutes}; }
DeadlineSpec hours(std::int64_t n) { return {n, DeadlineUnit::kHours}; }
DeadlineSpec working_days(std::int64_t n) { return {n, DeadlineUnit::kWorkingDays}; }
AreaDeadline flat(DeadlineSpec s) { return AreaDeadline{s, {}}; }

OrderType make_type(std::string code, std::string name, std::string category) {
  OrderType t;
  t.code = std::move(code);
  t.name = std::move(name);
  t.category = std::move(category);
  return t;
}

Step department_step(std::string code, std::string name, std::string department,
                     std::optional<AreaDeadline> arrive, std::optional<AreaDeadline> complete) {
  Step s;
  s.code = std::move(code);
  s.name = std::move(name);
  s.taker = TakerKind::kDepartment;
  s.taker_name = std::move(department);
  s.arrive_within = std::move(arrive);
  s.complete_within = std::move(complete);
  return s;
}

OrderType repair() {
  OrderType t = make_type("repair", "故障报修", "repair");
  Step s = department_step(
      "repair", "抢修", "repair_crew",
      AreaDeadline{minutes(45), {{"rural", minutes(90)}, {"remote", minutes(120)}}},
      AreaDeadline{hours(3), {{"rural", hours(4)}, {"remote", hours(4)}}});
  s.complete_from_arrival = true;
  t.steps = {s};
  t.subtypes = {{"no_power", "无电", {}},       {"low_voltage", "电压异常", {}},
                {"meter_fault", "计量故障", {}}, {"line_fault", "线路故障", {}},
                {"safety_hazard", "安全隐患", {}}};
  t.return_visit = true;
  t.merge_with_outage = true;
  t.required_fields = {"description"};
  return t;
}

OrderType complaint() {
  OrderType t = make_type("complaint", "投诉", "complaint");
  t.steps = {department_step("handle", "投诉处理", "service", flat(working_days(1)),
                             flat(working_days(7)))};
  t.subtypes = {{"service_attitude", "服务态度", {}}, {"power_quality", "供电质量", {}},
                {"billing", "电费电价", {}},          {"repair_timeliness", "抢修时限", {}},
                {"business_handling", "业务办理", {}}};
  t.overall = flat(working_days(7));
  t.return_visit = true;
  t.required_fields = {"customer", "description"};
  return t;
}

OrderType simple(std::string code, std::string name, std::string department,
                 std::int64_t reply_days, bool return_visit, bool on_call) {
  OrderType t = make_type(code, std::move(name), code);
  t.steps = {department_step("handle", "处理答复", std::move(department), std::nullopt,
                             flat(working_days(reply_days)))};
  t.overall = flat(working_days(reply_days));
  t.return_visit = return_visit;
  t.resolve_on_call = on_call;
  t.required_fields = {"description"};
  return t;
}

OrderType new_installation() {
  OrderType t = make_type("new_installation", "业扩报装", "new_installation");
  t.subtypes = {{"residential", "低压居民", {}},
                {"low_voltage_business", "低压非居民", {}},
                {"high_voltage", "高压", {}}};
  t.steps = {
      department_step("application", "业务受理", "marketing", std::nullopt,
                      flat(working_days(1))),
      department_step("site_survey", "现场勘查", "marketing", flat(working_days(1)),
                      flat(working_days(2))),
      department_step("supply_plan", "供电方案答复", "marketing", std::nullopt,
                      flat(working_days(7))),
      department_step("design_review", "设计审查", "engineering", std::nullopt,
                      flat(working_days(5))),
      department_step("construction", "工程施工", "construction", std::nullopt,
                      flat(working_days(20))),
      department_step("inspection", "竣工检验", "engineering", std::nullopt,
                      flat(working_days(5))),
      department_step("meter_install", "装表接电", "metering", flat(working_days(1)),
                      flat(working_days(3))),
      department_step("power_on", "送电", "metering", std::nullopt, flat(working_days(2))),
  };
  t.return_visit = true;
  t.required_fields = {"customer", "subtype"};
  return t;
}

OrderType business_change() {
  OrderType t = make_type("business_change", "业务变更", "business_change");
  t.subtypes = {{"capacity_increase", "增容", {}}, {"capacity_decrease", "减容", {}},
                {"suspension", "暂停", {}},        {"relocation", "迁址", {}},
                {"meter_move", "移表", {}},        {"name_transfer", "过户", {}},
                {"split", "分户", {}},             {"merge", "并户", {}},
                {"voltage_change", "改压", {}},    {"category_change", "改类", {}},
                {"account_close", "销户", {}}};
  t.steps = {department_step("application", "业务受理", "marketing", std::nullopt,
                             flat(working_days(1))),
             department_step("handle", "业务办理", "marketing", flat(working_days(2)),
                             flat(working_days(5)))};
  t.return_visit = true;
  t.refuse_with_arrears = true;
  t.required_fields = {"customer", "account", "subtype"};
  return t;
}

OrderType arrears() {
  OrderType t = simple("arrears", "欠费", "billing", 1, false, true);
  t.subtypes = {{"payment_query", "缴费查询", {}}, {"disconnection", "欠费停电", {}},
                {"reconnection", "缴费复电", {}}};
  t.steps.front().arrive_within = flat(hours(24));  // reconnection is promised within 24 h
  t.required_fields = {"account"};
  return t;
}

OrderType outage_notice() {
  OrderType t = make_type("outage_notice", "停电通知", "outage_notice");
  t.subtypes = {{"planned", "计划停电", DeadlineSpec{7, DeadlineUnit::kDays}},
                {"temporary", "临时停电", hours(24)}};
  Step s = department_step("publish", "发布通知", "dispatch", std::nullopt, flat(hours(4)));
  s.taker = TakerKind::kTeam;
  s.taker_name = "供电服务指挥中心";
  t.steps = {s};
  t.required_fields = {"subtype", "description"};
  return t;
}

}  // namespace

const std::vector<OrderType>& shipped_order_types() {
  static const std::vector<OrderType> types = {
      repair(),
      complaint(),
      simple("report", "举报", "service", 10, true, false),
      simple("inquiry", "咨询", "service", 1, false, true),
      simple("suggestion", "意见", "service", 10, true, true),
      simple("praise", "表扬", "service", 5, false, true),
      new_installation(),
      business_change(),
      arrears(),
      outage_notice(),
  };
  return types;
}

}  // namespace sy::workflow
