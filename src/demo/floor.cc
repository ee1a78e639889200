// The demo contact-centre floor (see floor.h).
#include "demo/floor.h"

#include <iterator>

#include "auth/secrets.h"
#include "auth/sip_digest.h"
#include "demo/random.h"
#include "store/repositories.h"

namespace sy::demo {
namespace {

struct SkillDef {
  const char* name;
  const char* display;
  const char* kind;
};
constexpr SkillDef kSkills[] = {
    {"general", "综合咨询", "business"},  {"billing", "电费账单", "business"},
    {"repair", "故障报修", "business"},   {"business", "业务办理", "business"},
    {"complaint", "投诉处理", "business"}, {"vip", "重要客户", "business"},
    {"minnan", "闽南语", "language"},     {"english", "English", "language"},
};

struct QueueDef {
  const char* name;
  const char* display;
  const char* strategy;
  int service_level_s;
  std::vector<store::NamedLevel> skills;
  const char* rules;
};
// The queue names config/flows/*.yaml use (general, repair, vip, complaint) and two more.
const std::vector<QueueDef>& queue_defs() {
  static const std::vector<QueueDef> defs = {
      {"general", "综合服务", "longest_idle", 20, {{"general", 1}},
       R"({"relax_after_s": 60, "relax_to_level": 1, "max_wait_s": 240, "max_wait_action": "callback"})"},
      {"repair", "故障报修", "longest_idle", 15, {{"repair", 3}},
       R"({"relax_after_s": 45, "relax_to_level": 1, "overflow_after_s": 90, "overflow_queue": "general", "max_wait_s": 180, "max_wait_action": "callback"})"},
      {"vip", "重要客户", "best_skill", 10, {{"vip", 5}, {"general", 3}},
       R"({"overflow_after_s": 30, "overflow_queue": "general"})"},
      {"complaint", "投诉", "best_skill", 30, {{"complaint", 3}},
       R"({"relax_after_s": 120, "relax_to_level": 1, "max_wait_s": 300, "max_wait_action": "callback"})"},
      {"billing", "电费账单", "longest_idle", 20, {{"billing", 1}},
       R"({"overflow_after_s": 60, "overflow_queue": "general"})"},
      {"business", "业务办理", "least_occupied", 30, {{"business", 2}},
       R"({"max_wait_s": 300, "max_wait_action": "callback"})"},
  };
  return defs;
}

constexpr const char* kSurnames[] = {"林", "陈", "黄", "张", "吴", "郑", "王", "李", "刘", "许",
                                     "蔡", "杨", "洪", "周", "叶", "邱"};
constexpr const char* kGiven[] = {"晓燕", "丽娟", "志强", "雅婷", "建华", "美玲", "文杰", "秀英",
                                  "思远", "佳怡", "海峰", "静", "伟", "婷婷", "明辉", "雪梅"};

bool exists_code(const Error& e, const char* code) { return e.code == code; }

// The two centres' cities (福州市, 厦门市) from the province.
std::vector<std::string> centre_cities(const std::vector<RegionRow>& regions) {
  std::vector<std::string> out;
  for (const char* code : {"350100", "350200"})
    for (const auto& r : regions)
      if (r.code == code) out.push_back(r.code);
  return out;
}

std::vector<std::string> cities_of(const std::vector<RegionRow>& regions, const std::string& centre) {
  std::vector<std::string> out;
  for (const auto& r : regions)
    if (r.level == "city" && r.centre == centre) out.push_back(r.code);
  return out;
}

// A user (created once) with an agent row; returns false when both already existed.
Result<bool> ensure_agent(store::Repositories& repos, const store::NewUser& user,
                          store::NewAgent agent) {
  std::int64_t user_id = 0;
  bool created = false;
  auto u = repos.users.create(user);
  if (u) {
    user_id = u->id;
    created = true;
  } else if (exists_code(u.error(), "username_taken")) {
    auto existing = repos.users.get_by_username(user.username);
    if (!existing) return existing.error();
    user_id = existing->id;
  } else {
    return u.error();
  }
  agent.user_id = user_id;
  auto a = repos.agents.create(agent);
  if (!a && !exists_code(a.error(), "agent_exists")) return a.error();
  return created || a.ok();
}

}  // namespace

std::string demo_password(std::uint64_t seed, std::uint64_t label) {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  Rng rng(derive_seed(seed, 7000 + label));
  std::string out;
  for (int i = 0; i < 12; ++i) out.push_back(kAlphabet[rng.below(sizeof kAlphabet - 1)]);
  return out;
}

Result<FloorResult> load_floor(store::Database& db, const Clock& clock,
                               const std::vector<RegionRow>& regions, const FloorOptions& options) {
  store::Repositories repos(db, clock);
  FloorResult out;
  for (const auto& s : kSkills) {
    auto created = repos.skills.create({s.name, s.display, s.kind});
    if (created) ++out.skills;
    else if (!exists_code(created.error(), "skill_exists")) return created.error();
  }
  for (const auto& q : queue_defs()) {
    store::NewQueue nq{q.name, q.display, q.strategy, q.service_level_s, q.skills, q.rules};
    auto created = repos.queues.create(nq);
    if (created) ++out.queues;
    else if (!exists_code(created.error(), "queue_exists")) return created.error();
  }

  std::vector<std::string> cities = centre_cities(regions);
  if (cities.size() != 2)
    return make_error(ErrorKind::kInternal, "demo_regions_missing",
                      "the demo province has no 福州市/厦门市 to bind the agents to");
  out.password = demo_password(options.seed, 1);
  out.sip_password = demo_password(options.seed, 2);
  // One argon2id hash for every demo account: hashing 42 times would cost seconds for nothing.
  auto hash = auth::hash_password(out.password);
  if (!hash) return hash.error();

  Rng rng(derive_seed(options.seed, 6000));
  const char* centres[] = {"fuzhou", "xiamen"};
  for (int i = 0; i < options.agents; ++i) {
    int c = i % 2;
    std::string ext = std::to_string(8001 + i);
    store::NewUser user;
    user.username = "agent" + ext;
    user.display_name = std::string(kSurnames[rng.below(std::size(kSurnames))]) +
                        kGiven[rng.below(std::size(kGiven))];
    user.role = auth::Role::kAgent;
    user.region_code = cities[c];
    user.password_hash = *hash;
    store::NewAgent agent;
    agent.extension = ext;
    agent.sip_realm = options.sip_realm;
    agent.sip_ha1 = auth::sip_ha1(ext, options.sip_realm, out.sip_password);
    agent.skills.push_back({"general", static_cast<int>(rng.range(3, 8))});
    if (rng.chance(500)) agent.skills.push_back({"repair", static_cast<int>(rng.range(3, 9))});
    if (rng.chance(350)) agent.skills.push_back({"billing", static_cast<int>(rng.range(2, 8))});
    if (rng.chance(300)) agent.skills.push_back({"business", static_cast<int>(rng.range(2, 8))});
    if (rng.chance(200)) agent.skills.push_back({"complaint", static_cast<int>(rng.range(3, 9))});
    if (i < 6) agent.skills.push_back({"vip", static_cast<int>(rng.range(6, 9))});
    // Xiamen's callers speak 闽南语 more often: more of its agents do too.
    if (rng.chance(c == 1 ? 600 : 200)) {
      agent.skills.push_back({"minnan", static_cast<int>(rng.range(5, 10))});
      agent.languages = {"zh", "nan"};
    }
    agent.regions = cities_of(regions, centres[c]);
    agent.groups = {centres[c]};
    auto made = ensure_agent(repos, user, agent);
    if (!made) return made.error();
    if (*made) ++out.agents;
  }
  out.first_extension = "8001";
  out.last_extension = std::to_string(8000 + options.agents);

  for (int c = 0; c < 2; ++c) {
    std::string ext = std::to_string(8901 + c);
    store::NewUser user;
    user.username = std::string("supervisor-") + centres[c];
    user.display_name = std::string(c == 0 ? "福州" : "厦门") + "班长";
    user.role = auth::Role::kSupervisor;
    user.region_code = cities[c];
    user.password_hash = *hash;
    store::NewAgent agent;
    agent.extension = ext;
    agent.sip_realm = options.sip_realm;
    agent.sip_ha1 = auth::sip_ha1(ext, options.sip_realm, out.sip_password);
    agent.skills = {{"general", 9}, {"vip", 9}, {"complaint", 9}};
    agent.languages = {"zh", "nan"};
    agent.regions = cities_of(regions, centres[c]);
    agent.groups = {centres[c], "supervisors"};
    auto made = ensure_agent(repos, user, agent);
    if (!made) return made.error();
    if (*made) ++out.supervisors;
    out.supervisor_usernames.push_back(user.username);
  }

  // Seat phones in the first centre's city for hot-desking: no agent owns them; an agent who
  // sits there picks the seat on the desktop. Same phone password as the agents' phones.
  out.seat_region = cities[0];
  for (int i = 0; i < options.seats; ++i) {
    std::string ext = std::to_string(8101 + i);
    store::NewSeat seat;
    seat.extension = ext;
    seat.sip_realm = options.sip_realm;
    seat.sip_ha1 = auth::sip_ha1(ext, options.sip_realm, out.sip_password);
    seat.region_code = cities[0];
    seat.label = "3楼A区" + std::to_string(i + 1) + "号";
    auto made = repos.seats.create(seat);
    if (made) ++out.seats;
    else if (!exists_code(made.error(), "extension_taken")) return made.error();
  }
  if (options.seats > 0) {
    out.first_seat = "8101";
    out.last_seat = std::to_string(8100 + options.seats);
  }
  return out;
}

}  // namespace sy::demo
