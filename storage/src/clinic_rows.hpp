#pragma once
// Reading the kiosk's clinic list (table clinic, version 31), shared by the dispatch book and the
// technician's clinic list. Private to the storage library.

#include <string>
#include <vector>

#include "medkiosk/storage/dispatch_book.hpp"
#include "sqlite_db.hpp"

namespace medkiosk::storage::detail {

// By township, kind, name and id; retired ones only when asked; one id only when `only_id` is set.
Result<std::vector<ClinicChoice>> read_clinic_rows(Database& db, bool include_retired,
                                                   const std::string& only_id = "");

}  // namespace medkiosk::storage::detail
