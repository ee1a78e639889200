// Agent quality scoring: scoring forms (items with maximum points and weights) and the scores
// supervisors give recorded calls against them. A score keeps a copy of the items it was given
// against, so editing a form never changes past scores. Reports read the view
// quality_agent_scores (agent_id, call_id, total, max_total, scored_at). All SQL about quality
// scoring lives here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/records.h"

namespace sy::store {

struct QualityFormItem {
  std::int64_t id = 0;
  std::string name;  // e.g. 问候语规范
  std::string description;
  int max_points = 0;  // 1..1000
  int weight = 1;      // 1..100
};

struct QualityForm {
  std::int64_t id = 0;
  std::string name;
  std::string description;
  bool active = true;  // inactive forms keep their scores but are not offered
  std::optional<std::int64_t> created_by;
  std::vector<QualityFormItem> items;  // in order
  TimePoint created_at;
  TimePoint updated_at;
  // Σ max_points × weight.
  std::int64_t max_total() const;
};

struct NewQualityFormItem {
  std::string name;
  std::string description;
  int max_points = 0;
  int weight = 1;
};

struct NewQualityForm {
  std::string name;
  std::string description;
  bool active = true;
  std::vector<NewQualityFormItem> items;  // 1..50
  std::optional<std::int64_t> created_by;
};

// Fields present are changed; items, when present, replace the form's items.
struct QualityFormUpdate {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<bool> active;
  std::optional<std::vector<NewQualityFormItem>> items;
};

struct QualityScoreItem {
  std::int64_t item_id = 0;
  std::string name;
  int points = 0;
  int max_points = 0;
  int weight = 1;
};

struct QualityScore {
  std::int64_t id = 0;
  std::string call_id;
  std::int64_t agent_id = 0;
  std::int64_t form_id = 0;
  std::string form_name;  // read back with the score
  std::vector<QualityScoreItem> items;
  std::int64_t total = 0;      // Σ points × weight
  std::int64_t max_total = 0;  // Σ max_points × weight
  std::string comment;
  std::optional<std::int64_t> scored_by;
  TimePoint scored_at;
};

struct ItemPoints {
  std::int64_t item_id = 0;
  int points = 0;
};

struct NewQualityScore {
  std::string call_id;
  std::int64_t form_id = 0;
  std::vector<ItemPoints> points;  // one per item of the form
  std::string comment;
  std::optional<std::int64_t> scored_by;
};

struct QualityScoreFilter {
  std::optional<std::int64_t> agent_id;
  std::optional<std::string> call_id;
  std::optional<std::int64_t> form_id;
  std::optional<TimePoint> from;  // scored_at >= from
  std::optional<TimePoint> to;    // scored_at < to
};

class QualityRepository {
 public:
  QualityRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Errors: invalid_input "invalid_name" (1..64 characters), "invalid_items" (1..50 items,
  // each named, max_points 1..1000, weight 1..100); conflict "quality_form_exists".
  Result<QualityForm> create_form(const NewQualityForm& form);
  // not_found "quality_form_not_found".
  Result<QualityForm> get_form(std::int64_t id);
  // Every form (active only when asked), by name.
  Result<std::vector<QualityForm>> forms(bool active_only);
  // Same errors as create_form and get_form.
  Result<QualityForm> update_form(std::int64_t id, const QualityFormUpdate& update);
  // not_found "quality_form_not_found"; conflict "quality_form_in_use" (calls were scored with
  // it: deactivate it instead).
  Status remove_form(std::int64_t id);

  // The call's agent is the one scored. Errors: not_found "call_not_found" (field call_id),
  // "quality_form_not_found" (field form_id); invalid_input "call_without_agent" (nobody
  // answered it), "invalid_points" (field points: every item of the form exactly once,
  // 0..max_points), "invalid_comment" (over 2000 characters); conflict "quality_form_inactive".
  Result<QualityScore> score_call(const NewQualityScore& score);
  // not_found "quality_score_not_found".
  Result<QualityScore> get_score(std::int64_t id);
  // Newest first.
  Result<PageResult<QualityScore>> scores(const QualityScoreFilter& filter,
                                          const PageRequest& page);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace sy::store
