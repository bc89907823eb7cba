#pragma once
// The kiosk's clinic list (issue 16): what the staff's dispatch picker and the clinic-mode setting
// choose from, so nobody types a clinic's id or name. The hub feeds it (its entries are read-only here
// and win over a local one of the same id; a clinic the hub retired is retired here) and the
// technician keeps it: adds a clinic the hub does not know (yet), renames or retires or restores one of
// those. Each change commits with its audit row. The hub's entries arrive through the sync worker's
// pull (hub_clinic), which fills the list in the same transaction.

#include <optional>
#include <string>
#include <vector>

#include "medkiosk/result.hpp"
#include "medkiosk/storage/dispatch_book.hpp"
#include "medkiosk/storage/ledger.hpp"

namespace medkiosk::storage {

struct ClinicList {
    std::vector<ClinicChoice> clinics;  // every clinic, retired ones too, by township then name
    // UTC, when the sync last pulled the hub's clinics completely; "" when it never has. A pull that
    // failed (hub unreachable) leaves it and the list unchanged.
    std::string updated_from_hub_at;
};

// A clinic id as the hub accepts it: 1 to 40 of a-z, 0-9, '-' and '_', starting with a letter or digit.
bool clinic_id_is_acceptable(const std::string& clinic_id);

Result<ClinicList> read_clinic_list(Ledger& ledger);
// A clinic the hub does not know (source "local"). Refused: an unacceptable id, an id already in the
// list (the hub's or another local one), no name in either language, no township. A name or township
// given in one language only is shown in both.
Result<void> add_local_clinic(Ledger& ledger, ClinicChoice clinic, const std::string& actor);
// Only a local clinic's names change here; the hub's are changed on the hub.
Result<void> rename_clinic(Ledger& ledger, const std::string& clinic_id, const std::string& name_zh,
                           const std::string& name_en, const std::string& actor);
// A retired clinic is never offered, and kept for the dispatches that named it. Local clinics only.
Result<void> set_clinic_retired(Ledger& ledger, const std::string& clinic_id, bool retired,
                                const std::string& actor);

}  // namespace medkiosk::storage
