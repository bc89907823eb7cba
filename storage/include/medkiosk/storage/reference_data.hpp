#pragma once
// The reference data the policy reads (the Ledger's reference(), reference_data.cpp): the product
// catalogue, recalled batches, collection drives and the settings (the county's rules among them).

#include <optional>
#include <string>
#include <vector>

#include "medkiosk/result.hpp"
#include "medkiosk/storage/records.hpp"

namespace medkiosk::storage {

namespace detail {
struct LedgerCore;
}

class ReferenceData {
  public:
    explicit ReferenceData(detail::LedgerCore& core) : core_(core) {}

    // Replaces the whole catalogue: all entries or none.
    Result<void> replace_catalogue(const std::vector<CatalogueEntry>& entries, const std::string& actor);
    Result<std::vector<CatalogueEntry>> catalogue();
    Result<std::optional<CatalogueEntry>> find_product(const std::string& product_id);
    Result<std::vector<std::string>> categories();  // the catalogue's categories, sorted

    Result<void> add_recall(const Recall& recall, const std::string& actor);
    Result<bool> is_recalled(const std::string& gtin, const std::string& batch);

    Result<Drive> add_drive(const Drive& drive, const std::string& actor);
    // A drive's name, dates, categories and rules.
    Result<void> update_drive(const Drive& drive, const std::string& actor);
    Result<std::vector<Drive>> drives();  // every drive, newest start first
    Result<std::optional<Drive>> active_drive(const std::string& today_iso);  // latest-starting one

    Result<std::optional<std::string>> setting(const std::string& key);
    Result<void> set_setting(const std::string& key, const std::string& value, const std::string& actor);

  private:
    detail::LedgerCore& core_;
};

}  // namespace medkiosk::storage
