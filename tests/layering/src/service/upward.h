// A fixture for the layering check (cmake/check_layers.cmake): service may not use store.
#pragma once

#include "core/status.h"
#include "store/pg.h"
