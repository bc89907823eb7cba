#pragma once
// The kiosk's calendar day. A pack's printed expiry is a day where the kiosk stands, so every date is
// judged on the local calendar day (TZ, else /etc/localtime): a pack that expired on the 1st is refused
// from 00:00 on the 2nd, not from 08:00 as the UTC day would have it in China. Everything that judges a
// date reads "now" from one WallClock, so a test can set the instant the kiosk lives in.

#include <chrono>
#include <functional>

#include "medkiosk/scanner/pack_code.hpp"

namespace medkiosk::scanner {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

WallClock system_wall_clock();

// The calendar day `at` falls on in the process's time zone.
Date local_day(std::chrono::system_clock::time_point at);

Date local_today(const WallClock& clock);
Date local_today();  // on the system clock

}  // namespace medkiosk::scanner
