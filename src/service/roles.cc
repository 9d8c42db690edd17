#include "service/roles.h"

namespace recsys::service {

int RoleRank(std::string_view role) {
  if (role == "viewer") return 1;
  if (role == "operator") return 2;
  if (role == "admin") return 3;
  return 0;
}

bool GrantsRole(const std::vector<std::string>& held, std::string_view needed) {
  const int rank = RoleRank(needed);
  if (rank == 0) return false;
  for (const std::string& role : held) {
    if (RoleRank(role) >= rank) return true;
  }
  return false;
}

std::vector<std::string> SplitRoles(std::string_view comma_separated) {
  std::vector<std::string> roles;
  while (!comma_separated.empty()) {
    const size_t comma = comma_separated.find(',');
    const std::string_view part = comma_separated.substr(0, comma);
    if (!part.empty()) roles.emplace_back(part);
    comma_separated =
        comma == std::string_view::npos ? std::string_view() : comma_separated.substr(comma + 1);
  }
  return roles;
}

Status CheckRoles(const std::vector<std::string>& roles) {
  if (roles.empty()) {
    return Status::InvalidArgument("roles: required, one or more of viewer, operator, admin");
  }
  for (const std::string& role : roles) {
    if (RoleRank(role) == 0) {
      return Status::InvalidArgument("roles: \"" + role.substr(0, 64) +
                                     "\" is not one of viewer, operator, admin");
    }
  }
  return Status::Ok();
}

}  // namespace recsys::service
