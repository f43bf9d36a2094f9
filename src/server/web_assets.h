// The web UI's files, embedded in the binary at build time (cmake/EmbedFiles.cmake):
// the mustache templates (src/server/templates), the stylesheet (app.css: Tailwind's
// output, built from ui/app.css and the templates' classes) and htmx (npm htmx.org,
// pinned in ui/package-lock.json). Names are the files' base names.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace arbor::server {

std::optional<std::string_view> FindWebAsset(std::string_view name);
// Every embedded file's name ("layout.mustache", "app.css", ...).
std::vector<std::string_view> WebAssetNames();

}  // namespace arbor::server
