// Prompt templates: "{var}" and "{var|filter}" substitutions (filters: money, datetime, date,
// time, digits, number). Checked by the parser; rendered by the interpreter from its variables.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace sy::ivr {

// nullopt when the template is well formed; otherwise what is wrong with it.
std::optional<std::string> check_template(const std::string& text);

// Replaces substitutions with variable values (missing variables render as ""). Filters speak
// values in Chinese: money takes integer fen, datetime/date/time take RFC 3339 and print in the
// centre's local time (`utc_offset_min`), digits reads one digit at a time. A value a filter
// cannot read is inserted as is, so a bad lookup answer degrades the prompt, not the call.
std::string render_template(const std::string& text, const std::map<std::string, std::string>& vars,
                            int utc_offset_min);

}  // namespace sy::ivr
