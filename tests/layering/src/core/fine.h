// A fixture for the layering check: core using core is allowed.
#pragma once

#include "core/status.h"
