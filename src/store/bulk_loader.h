// Bulk loading on one dedicated connection in long transactions (demo data, imports). Private to
// the store; callers use BulkLoader::open.
#pragma once

#include <memory>

#include "store/db.h"

namespace sy::store {

// Wraps a connection already configured for bulk work and starts the first transaction.
Result<std::unique_ptr<BulkLoader>> start_bulk_loader(std::unique_ptr<Connection> conn);

}  // namespace sy::store
