// Realistic personal details for demo customers: Chinese names weighted by Fujian's surname
// frequencies, mobile and landline numbers, 18-digit resident ID numbers with a valid check
// digit, street addresses by county, and company names for business customers.
#pragma once

#include <string>

#include "demo/province.h"
#include "demo/random.h"

namespace sy::demo {

struct Person {
  std::string name;
  std::string id_number;  // 18 characters, GB 11643 structure
  int birth_year = 0;
  bool male = false;
};

// A person registered in `county_code`, born between 1936 and 2006 (aged 20..90 in 2026).
Person make_person(Rng& rng, const std::string& county_code);
// The GB 11643 check character for the first 17 digits of an ID number ('0'..'9' or 'X').
char id_check_char(const std::string& first17);
// 1[3-9]x followed by 8 digits, from prefixes the Chinese carriers really use.
std::string make_mobile(Rng& rng);
// Area code plus a 7- or 8-digit local number, digits only (e.g. 059187654321), as caller ID
// presents it.
std::string make_landline(Rng& rng, const AreaInfo& area);
// 福建省福州市鼓楼区五四路128号阳光花园3栋1502室, or a village address in rural areas.
std::string make_address(Rng& rng, const AreaInfo& area);
// 福建省泉州市晋江市工业路88号恒泰大厦12层, or a plot in an industrial park outside the seat.
std::string make_business_address(Rng& rng, const AreaInfo& area);
// 福州鑫隆食品有限公司.
std::string make_company_name(Rng& rng, const AreaInfo& area);
// An 18-character unified social credit code with a valid check character.
std::string make_credit_code(Rng& rng, const std::string& county_code);

}  // namespace sy::demo
