#pragma once
// The hash-chained audit log (the Ledger's audit(), audit.cpp). Rows are appended by every change in
// its own transaction; here they are read and the chain verified.

#include <vector>

#include "medkiosk/result.hpp"
#include "medkiosk/storage/records.hpp"

namespace medkiosk::storage {

namespace detail {
struct LedgerCore;
}

class AuditLog {
  public:
    explicit AuditLog(detail::LedgerCore& core) : core_(core) {}

    Result<std::vector<AuditRow>> rows();  // oldest first
    Result<AuditReport> verify();

  private:
    detail::LedgerCore& core_;
};

}  // namespace medkiosk::storage
