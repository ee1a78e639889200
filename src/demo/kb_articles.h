// The demo knowledge base: about two hundred Chinese articles a 95598 agent looks things up in
// (tariffs, payment channels, arrears and reconnection, installation and business-change
// requirements, repair promises, outage notices, meters, scripts), written as data in
// kb_articles.txt.inc, plus one service-point article per county and one repair-service
// article per city of the demo province. Pure: the same list every time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "demo/province.h"
#include "store/db.h"

namespace sy::demo {

struct KbDemoArticle {
  std::vector<std::string> category_path;  // e.g. {"电价电费", "居民电价"}
  std::string title;
  std::vector<std::string> tags;
  std::string body;                       // Markdown
  std::optional<std::string> region_code;  // nullopt: province-wide
};

std::vector<KbDemoArticle> kb_demo_articles(const Province& province);

// Inserts the demo categories and articles (published, authored by nobody) on `conn`, after
// deleting every knowledge-base article and category when `wipe`; leaves a knowledge base that
// already has categories alone. Returns the number of articles inserted.
Result<std::int64_t> load_kb_demo(store::Connection& conn, const Province& province,
                                  TimePoint now, bool wipe);

}  // namespace sy::demo
