// Data in (api.md part B): POST /v1/events and the catalog (PUT /v1/catalog/items, DELETE
// /v1/catalog/items/{item_id}). Authentication and tenant resolution as the serving routes; the
// catalog needs the operator role.
#pragma once

#include "http/auth.h"
#include "http/router.h"
#include "service/catalog_service.h"
#include "service/ingest_service.h"

namespace recsys::http {

// REQUIRES: `auth`, `ingest` and `catalog` outlive the router.
void AddDataRoutes(Router& router, const Authenticator& auth, const service::IngestService& ingest,
                   const service::CatalogService& catalog);

}  // namespace recsys::http
