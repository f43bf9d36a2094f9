// The web UI's files, embedded in the binary at build time (cmake/EmbedFiles.cmake):
// the mustache templates (src/server/templates), the stylesheet (ui/app.css) and htmx
// (npm htmx.org, pinned in ui/package-lock.json). Names are the files' base names.
#pragma once

#include <optional>
#include <string_view>

namespace arbor::server {

std::optional<std::string_view> FindWebAsset(std::string_view name);

}  // namespace arbor::server
