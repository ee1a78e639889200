// Private to src/store: the JSON text columns of the floor tables (string lists, skill levels,
// collected digits) to and from their records. Malformed stored text reads back as empty.
#pragma once

#include <string>
#include <vector>

#include "store/agent_records.h"

namespace sy::store::json_columns {

std::string encode_strings(const std::vector<std::string>& items);
std::vector<std::string> decode_strings(const std::string& text);

// {"repair": 3, "general": 1}, keys sorted.
std::string encode_levels(const std::vector<NamedLevel>& levels);
std::vector<NamedLevel> decode_levels(const std::string& text);

// [{"node": "pin", "digits": "******"}, ...] in collection order.
std::string encode_digits(const std::vector<CollectedDigits>& digits);
std::vector<CollectedDigits> decode_digits(const std::string& text);

// [{"survey": "satisfaction", "question": "satisfaction", "answer": "1"}, ...] in order asked.
std::string encode_survey_answers(const std::vector<SurveyAnswer>& answers);
std::vector<SurveyAnswer> decode_survey_answers(const std::string& text);

// True when `text` is a JSON object.
bool is_json_object(const std::string& text);

}  // namespace sy::store::json_columns
