// Reports through the API as managers and supervisors use them: figures of a known set of calls
// and work orders, drill-down province → city → county, region scoping, roles, bad input, and
// the exports opened the way a user would (CSV with BOM, XLSX cells read back from the
// workbook's XML, PDF rendered by pdftoppm with its Chinese title found by pdftotext).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "api/context.h"
#include "api_harness.h"

namespace sy::test {
namespace {

using nlohmann::json;
using std::chrono::seconds;

std::string run(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int rc = pclose(f);
  if (rc != 0) out += "\n[exit " + std::to_string(rc) + "]";
  return out;
}

class ReportApi : public ::testing::Test {
 protected:
  void SetUp() override {
    s.add_regions();
    manager = s.signed_in(auth::Role::kManager);
    auto& repos = s.ctx->repos;
    store::NewUser u;
    u.username = "agent-report";
    u.display_name = "林坐席";
    u.role = auth::Role::kAgent;
    u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    auto user = repos.users.create(u);
    ASSERT_TRUE(user.ok());
    store::NewAgent a;
    a.user_id = user->id;
    a.extension = "8101";
    auto agent = repos.agents.create(a);
    ASSERT_TRUE(agent.ok());
    agent_id = agent->id;
    // 2026-11-18 09:00 in Shanghai (01:00Z).
    t0 = from_unix_ms(1'794'960'000'000 + 3600'000);
    // region, queue ("" = stayed in the IVR), answered?, wait s, talk s
    call("c1", "350102-01", "general", true, 10, 100, {"welcome", "menu", "agent"});
    call("c2", "350102-01", "general", true, 40, 200, {"welcome", "menu", "agent"});
    call("c3", "350102-01", "general", false, 3, 0, {"welcome", "menu", "agent"});
    call("c4", "350203-01", "", false, 0, 0, {"welcome", "menu", "bill"});
    call("c5", "350203-01", "general", true, 5, 60, {"welcome", "agent"});
  }

  void call(const std::string& id, const std::string& region, const std::string& queue,
            bool answered, int wait, int talk, std::vector<std::string> path) {
    auto& calls = s.ctx->repos.calls;
    TimePoint start = t0 + seconds(60 * (++n_));
    store::NewCall c{id, "inbound", "1380000000" + std::to_string(n_), "95598", std::nullopt,
                     region, start};
    ASSERT_TRUE(calls.create(c).ok());
    TimePoint end = start + seconds(20 + wait + talk);
    if (answered) {
      store::CallAnswered a{start + seconds(20 + wait), agent_id, queue, wait, "", std::nullopt};
      ASSERT_TRUE(calls.update_on_answer(id, a).ok());
    }
    store::CallFinished f;
    f.ended_at = end;
    f.end_reason = answered ? "agent_hangup" : "caller_hangup";
    f.ivr_path = std::move(path);
    if (!queue.empty() && !answered) {
      f.queue = queue;
      f.wait_s = wait;
    }
    ASSERT_TRUE(calls.finish(id, f).ok());
  }

  json report(Client& c, const std::string& query, int status = 200) {
    auto r = c.get("/api/v1/reports/" + query);
    EXPECT_EQ(r.status, status) << query << ": " << r.body;
    return r.json();
  }

  static const json& row(const json& rep, const std::string& key) {
    for (const auto& r : rep["rows"])
      if (r["key"] == key) return r;
    static const json none;
    ADD_FAILURE() << "no row " << key << " in " << rep.dump();
    return none;
  }

  std::string save(const std::string& name, const std::string& body) {
    std::string path = (s.dir / name).string();
    std::ofstream(path, std::ios::binary) << body;
    return path;
  }

  ApiServer s;
  Client manager{0};
  std::int64_t agent_id = 0;
  TimePoint t0;
  int n_ = 0;
};

TEST_F(ReportApi, ServiceLevelFiguresOfTheDayByRegionWithDrillDown) {
  // The calls were never folded by a background task: the report folds them when asked.
  json all = report(manager, "service-level?from=2026-11-18&to=2026-11-18&group_by=region");
  ASSERT_EQ(all["rows"].size(), 1u);
  const json& fj = row(all, "350000");
  EXPECT_EQ(fj["label"], "福建省");
  EXPECT_TRUE(fj["drill"].get<bool>());
  const json& v = all["totals"]["values"];
  EXPECT_EQ(v["offered"], 5);
  EXPECT_EQ(v["ivr_contained"], 1);
  EXPECT_EQ(v["queued"], 4);
  EXPECT_EQ(v["answered"], 3);
  EXPECT_EQ(v["abandoned"], 1);
  EXPECT_EQ(v["short_abandoned"], 1);
  EXPECT_DOUBLE_EQ(v["answer_rate"].get<double>(), 75.0);
  // Within 20 s: waits 10 and 5 of 10, 40, 5; short abandons leave the denominator: 2 / 3.
  EXPECT_NEAR(v["service_level"].get<double>(), 66.667, 0.001);
  EXPECT_NEAR(v["asa_s"].get<double>(), (10 + 40 + 5) / 3.0, 0.001);
  EXPECT_NEAR(v["avg_talk_s"].get<double>(), (100 + 200 + 60) / 3.0, 0.001);

  json province = report(manager, "service-level?from=2026-11-18&to=2026-11-18&group_by=region"
                                  "&region=350000");
  ASSERT_EQ(province["rows"].size(), 2u);
  EXPECT_EQ(row(province, "350100")["label"], "福州市");
  EXPECT_EQ(row(province, "350100")["values"]["offered"], 3);
  EXPECT_EQ(row(province, "350200")["values"]["offered"], 2);
  json city = report(manager, "service-level?from=2026-11-18&to=2026-11-18&group_by=region"
                              "&region=350100");
  ASSERT_EQ(city["rows"].size(), 1u);
  EXPECT_EQ(row(city, "350102")["label"], "鼓楼区");
  EXPECT_EQ(row(city, "350102")["values"]["answered"], 2);

  // By hour in Shanghai time: all five calls started between 09:00 and 09:06.
  json hours = report(manager, "service-level?from=2026-11-18&to=2026-11-18&group_by=hour");
  ASSERT_EQ(hours["rows"].size(), 1u);
  EXPECT_EQ(hours["rows"][0]["key"], "2026-11-18 09:00");
  // A year by month reads the day rows.
  json year = report(manager, "service-level?from=2026-01-01&to=2026-12-31&group_by=month");
  ASSERT_EQ(year["rows"].size(), 1u);
  EXPECT_EQ(year["rows"][0]["key"], "2026-11");
  EXPECT_EQ(year["totals"]["values"]["offered"], 5);
}

TEST_F(ReportApi, AgentIvrAndWorkOrderReports) {
  json agents = report(manager, "agent-performance?from=2026-11-18&to=2026-11-18");
  ASSERT_EQ(agents["rows"].size(), 1u);
  EXPECT_EQ(agents["rows"][0]["label"], "林坐席 (agent-report)");
  EXPECT_EQ(agents["rows"][0]["values"]["answered"], 3);

  json ivr = report(manager, "ivr?from=2026-11-18&to=2026-11-18");
  EXPECT_NEAR(ivr["totals"]["values"]["containment"].get<double>(), 20.0, 1e-9);
  bool found_bill = false;
  for (const auto& r : ivr["extra"]["rows"]) {
    if (r[0] == "welcome") {
      EXPECT_EQ(r[1], "5");
    }
    if (r[0] == "bill") {
      found_bill = true;
      EXPECT_EQ(r[2], "1");  // the contained call ended there
    }
  }
  EXPECT_TRUE(found_bill);

  store::NewWorkOrder o;
  o.type_code = "inquiry";
  o.region_code = "350102-01";
  o.description = "电价咨询";
  auto created = s.ctx->repos.work_orders.create(o);
  ASSERT_TRUE(created.ok()) << created.error().message;
  json orders = report(manager, "work-orders?group_by=type");
  EXPECT_EQ(row(orders, "inquiry")["values"]["created"], 1);
  EXPECT_EQ(row(orders, "inquiry")["label"], "咨询");
  json visits = report(manager, "return-visits?group_by=region");
  EXPECT_EQ(visits["totals"]["values"]["visits"], 0);
}

TEST_F(ReportApi, RegionsAndRolesAreEnforcedAndBadInputIsNamed) {
  Client siming = s.signed_in(auth::Role::kSupervisor, "350203");
  json own = report(siming, "service-level?from=2026-11-18&to=2026-11-18");
  EXPECT_EQ(own["totals"]["values"]["offered"], 2);
  EXPECT_EQ(report(siming, "service-level?region=350100", 403)["error"]["code"],
            "region_out_of_scope");
  Client agent = s.signed_in(auth::Role::kAgent);
  EXPECT_EQ(report(agent, "service-level", 403)["error"]["code"], "forbidden");

  EXPECT_EQ(report(manager, "nonsense", 404)["error"]["code"], "report_not_found");
  EXPECT_EQ(report(manager, "service-level?group_by=fortnight", 400)["error"]["field"],
            "group_by");
  EXPECT_EQ(report(manager, "work-orders?group_by=agent", 400)["error"]["field"], "group_by");
  EXPECT_EQ(report(manager, "service-level?from=2026-11-19&to=2026-11-17", 400)["error"]["code"],
            "invalid_range");
  EXPECT_EQ(report(manager, "service-level?from=yesterday", 400)["error"]["field"], "from");
  EXPECT_EQ(report(manager, "service-level?format=doc", 400)["error"]["field"], "format");
  EXPECT_EQ(report(manager, "service-level?from=2025-01-01&to=2026-11-18&group_by=hour", 400)
                ["error"]["code"],
            "range_too_long");
}

TEST_F(ReportApi, ExportsOpenAsCsvXlsxAndPdfWithTheChineseTitle) {
  const std::string q = "service-level?from=2026-11-18&to=2026-11-18&group_by=region&region=350000";
  auto csv = manager.get("/api/v1/reports/" + q + "&format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.body.find("服务水平报表"), std::string::npos);
  EXPECT_NE(csv.body.find("福州市,3,0,3,2,1,1,66.7,50.0"), std::string::npos) << csv.body;

  auto xlsx = manager.get("/api/v1/reports/" + q + "&format=xlsx");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_NE(xlsx.header("Content-Disposition").find("service-level.xlsx"), std::string::npos);
  std::string book = save("report.xlsx", xlsx.body);
  std::string strings = run("unzip -p " + book + " xl/sharedStrings.xml");
  EXPECT_NE(strings.find("服务水平报表"), std::string::npos) << strings;
  EXPECT_NE(strings.find("福州市"), std::string::npos);
  EXPECT_NE(strings.find("接通率%"), std::string::npos);
  std::string sheet = run("unzip -p " + book + " xl/worksheets/sheet1.xml");
  // Row 5 is 福州市: offered 3 in B5, answered 2 in E5 (numbers, not text).
  EXPECT_TRUE(std::regex_search(sheet, std::regex(R"(<c r="B5"[^>]*><v>3</v></c>)"))) << sheet;
  EXPECT_TRUE(std::regex_search(sheet, std::regex(R"(<c r="E5"[^>]*><v>2</v></c>)"))) << sheet;

  auto pdf = manager.get("/api/v1/reports/" + q + "&format=pdf");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.header("Content-Type"), "application/pdf");
  EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");
  std::string file = save("report.pdf", pdf.body);
  std::string rendered = run("pdftoppm -r 40 -png " + file + " " + (s.dir / "page").string() +
                             " 2>/dev/null && ls " + s.dir.string());
  EXPECT_NE(rendered.find("page-1.png"), std::string::npos) << rendered;
  std::string text = run("pdftotext " + file + " - 2>/dev/null");
  EXPECT_NE(text.find("服务水平报表"), std::string::npos) << text;
  EXPECT_NE(text.find("福州市"), std::string::npos) << text;
}

}  // namespace
}  // namespace sy::test
