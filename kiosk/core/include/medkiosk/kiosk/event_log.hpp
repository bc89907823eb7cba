#pragma once
// One line per notable event on stderr, "medkiosk: event=NAME key=value …", so a technician (and the
// journal) can follow what the kiosk did. Never logs serials or anything about the donor.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace medkiosk::kiosk {

void log_event(std::string_view event, std::initializer_list<std::pair<std::string_view, std::string>> fields = {});

}  // namespace medkiosk::kiosk
