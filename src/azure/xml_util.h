// Shared pugixml helpers for the Azure Files XML parsers and writers (internal to
// arbor_azure). Parsers built on these reject malformed or truncated documents with
// Status::Corruption instead of returning partial data.
#pragma once

#include <pugixml.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "azure/file_time.h"
#include "base/status.h"

namespace arbor::azure::xml {

// Parses `text` as a complete document whose root element is `root_name`.
Status Load(std::string_view text, std::string_view root_name, pugi::xml_document* doc);

// The element's text; Corruption when the element is missing and `required`.
Result<std::string> Text(const pugi::xml_node& parent, const char* name, bool required);
// Like Text, but decodes the percent-encoding when the element has Encoded="true".
Result<std::string> MaybeEncodedText(const pugi::xml_node& node);
Result<uint64_t> Uint(const pugi::xml_node& parent, const char* name);
// Optional SMB time / HTTP date elements: unset when absent, Corruption when malformed.
Status OptionalSmbTime(const pugi::xml_node& parent, const char* name, std::optional<FileTime>* out);
Status OptionalHttpDate(const pugi::xml_node& parent, const char* name, std::optional<FileTime>* out);
Result<uint64_t> ParseUint(std::string_view text);

// Writing. StartDocument adds the <?xml?> declaration and the root element.
pugi::xml_node StartDocument(pugi::xml_document* doc, const char* root_name);
void AddText(pugi::xml_node parent, const char* name, std::string_view text);
// Adds <name>text</name>, or <name Encoded="true">percent-encoded</name> when `text` holds
// characters XML 1.0 cannot carry (controls, U+FFFE/U+FFFF, invalid UTF-8).
void AddMaybeEncoded(pugi::xml_node parent, const char* name, std::string_view text);
bool NeedsEncoding(std::string_view text);
std::string Serialize(const pugi::xml_document& doc);

}  // namespace arbor::azure::xml
