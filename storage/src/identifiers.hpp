#pragma once
// Random identifiers and timestamps. libsodium must be initialised (sodium_init) before use.

#include <string>

namespace medkiosk::storage::detail {

std::string new_uuid_v4();         // "2f1c…-…", lowercase, version 4, RFC 4122 variant
std::string new_receipt_code();    // "K7QM-4XD2-9TFA": 12 Crockford base32 characters, no I L O U
std::string utc_now_iso8601_ms();  // "2026-11-29T04:14:40.123Z"

}  // namespace medkiosk::storage::detail
