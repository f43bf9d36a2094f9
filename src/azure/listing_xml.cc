#include "azure/listing_xml.h"

#include <algorithm>
#include <cstdint>

#include "azure/file_attributes.h"
#include "azure/url_encoding.h"
#include "azure/xml_util.h"

namespace arbor::azure {
namespace {

Result<std::string> AttributeText(const pugi::xml_node& node, const char* name) {
  pugi::xml_attribute a = node.attribute(name);
  if (std::string_view(node.attribute("Encoded").value()) != "true") return std::string(a.value());
  auto decoded = PercentDecode(a.value());
  if (!decoded.ok()) return Status::Corruption(std::string("bad percent-encoding in ") + name);
  return decoded;
}

Status ParseProperties(const pugi::xml_node& props, DirectoryEntry* e) {
  ARBOR_RETURN_IF_ERROR(xml::OptionalSmbTime(props, "CreationTime", &e->creation_time));
  ARBOR_RETURN_IF_ERROR(xml::OptionalSmbTime(props, "LastAccessTime", &e->last_access_time));
  ARBOR_RETURN_IF_ERROR(xml::OptionalSmbTime(props, "LastWriteTime", &e->last_write_time));
  ARBOR_RETURN_IF_ERROR(xml::OptionalSmbTime(props, "ChangeTime", &e->change_time));
  ARBOR_RETURN_IF_ERROR(xml::OptionalHttpDate(props, "Last-Modified", &e->last_modified));
  ARBOR_ASSIGN_OR_RETURN(e->etag, xml::Text(props, "Etag", false));
  return Status::Ok();
}

Result<DirectoryEntry> ParseEntry(const pugi::xml_node& node) {
  DirectoryEntry e;
  e.is_directory = std::string_view(node.name()) == "Directory";
  pugi::xml_node name = node.child("Name");
  if (!name) return Status::Corruption("listing entry without <Name>");
  ARBOR_ASSIGN_OR_RETURN(e.name, xml::MaybeEncodedText(name));
  if (e.name.empty() || e.name.find('/') != std::string::npos || e.name.find('\0') != std::string::npos) {
    return Status::Corruption("listing entry has an invalid name");
  }
  ARBOR_ASSIGN_OR_RETURN(e.file_id, xml::Uint(node, "FileId"));
  pugi::xml_node props = node.child("Properties");
  if (!props) return Status::Corruption("listing entry '" + e.name + "' without <Properties>");
  if (!e.is_directory) {
    ARBOR_ASSIGN_OR_RETURN(e.size, xml::Uint(props, "Content-Length"));
  }
  ARBOR_RETURN_IF_ERROR(ParseProperties(props, &e).Annotate("entry '" + e.name + "'"));
  if (pugi::xml_node a = node.child("Attributes")) {
    auto bits = ParseFileAttributes(a.child_value());
    if (!bits.ok()) return Status::Corruption("entry '" + e.name + "': " + bits.status().message());
    e.attributes = *bits;
  }
  ARBOR_ASSIGN_OR_RETURN(e.permission_key, xml::Text(node, "PermissionKey", false));
  return e;
}

Status ParseHeader(const pugi::xml_node& root, DirectoryPage* page) {
  page->service_endpoint = root.attribute("ServiceEndpoint").value();
  page->share_name = root.attribute("ShareName").value();
  page->share_snapshot = root.attribute("ShareSnapshot").value();
  ARBOR_ASSIGN_OR_RETURN(page->directory_path, AttributeText(root, "DirectoryPath"));
  if (pugi::xml_node p = root.child("Prefix")) {
    ARBOR_ASSIGN_OR_RETURN(page->prefix, xml::MaybeEncodedText(p));
  }
  ARBOR_ASSIGN_OR_RETURN(page->marker, xml::Text(root, "Marker", false));
  if (root.child("MaxResults")) {
    ARBOR_ASSIGN_OR_RETURN(uint64_t max, xml::Uint(root, "MaxResults"));
    page->max_results = static_cast<uint32_t>(std::min<uint64_t>(max, UINT32_MAX));
  }
  if (root.child("DirectoryId")) {
    ARBOR_ASSIGN_OR_RETURN(page->directory_id, xml::Uint(root, "DirectoryId"));
  }
  return Status::Ok();
}

void AddProperties(pugi::xml_node node, const DirectoryEntry& e) {
  pugi::xml_node props = node.append_child("Properties");
  if (!e.is_directory) xml::AddText(props, "Content-Length", std::to_string(e.size));
  if (e.creation_time) xml::AddText(props, "CreationTime", FormatSmbTime(*e.creation_time));
  if (e.last_access_time) xml::AddText(props, "LastAccessTime", FormatSmbTime(*e.last_access_time));
  if (e.last_write_time) xml::AddText(props, "LastWriteTime", FormatSmbTime(*e.last_write_time));
  if (e.change_time) xml::AddText(props, "ChangeTime", FormatSmbTime(*e.change_time));
  if (e.last_modified) xml::AddText(props, "Last-Modified", FormatHttpDate(*e.last_modified));
  if (!e.etag.empty()) xml::AddText(props, "Etag", e.etag);
}

void AddEntry(pugi::xml_node entries, const DirectoryEntry& e) {
  pugi::xml_node node = entries.append_child(e.is_directory ? "Directory" : "File");
  xml::AddMaybeEncoded(node, "Name", e.name);
  xml::AddText(node, "FileId", std::to_string(e.file_id));
  AddProperties(node, e);
  if (e.attributes) xml::AddText(node, "Attributes", FormatFileAttributes(*e.attributes));
  if (!e.permission_key.empty()) xml::AddText(node, "PermissionKey", e.permission_key);
}

}  // namespace

Result<DirectoryPage> ParseDirectoryListing(std::string_view text) {
  pugi::xml_document doc;
  ARBOR_RETURN_IF_ERROR(xml::Load(text, "EnumerationResults", &doc));
  pugi::xml_node root = doc.document_element();
  DirectoryPage page;
  ARBOR_RETURN_IF_ERROR(ParseHeader(root, &page));
  pugi::xml_node entries = root.child("Entries");
  if (!entries) return Status::Corruption("listing without <Entries>");
  for (pugi::xml_node n : entries.children()) {
    std::string_view kind = n.name();
    if (kind != "File" && kind != "Directory") continue;  // tolerate elements added by later versions
    ARBOR_ASSIGN_OR_RETURN(DirectoryEntry e, ParseEntry(n));
    page.entries.push_back(std::move(e));
  }
  if (!root.child("NextMarker")) return Status::Corruption("listing without <NextMarker>");
  page.next_marker = root.child("NextMarker").child_value();
  return page;
}

std::string WriteDirectoryListing(const DirectoryPage& page) {
  pugi::xml_document doc;
  pugi::xml_node root = xml::StartDocument(&doc, "EnumerationResults");
  root.append_attribute("ServiceEndpoint").set_value(page.service_endpoint.c_str());
  root.append_attribute("ShareName").set_value(page.share_name.c_str());
  if (!page.share_snapshot.empty()) root.append_attribute("ShareSnapshot").set_value(page.share_snapshot.c_str());
  if (xml::NeedsEncoding(page.directory_path)) {
    root.append_attribute("Encoded").set_value("true");
    root.append_attribute("DirectoryPath").set_value(EncodeQueryComponent(page.directory_path).c_str());
  } else {
    root.append_attribute("DirectoryPath").set_value(page.directory_path.c_str());
  }
  if (!page.prefix.empty()) xml::AddMaybeEncoded(root, "Prefix", page.prefix);
  if (!page.marker.empty()) xml::AddText(root, "Marker", page.marker);
  if (page.max_results != 0) xml::AddText(root, "MaxResults", std::to_string(page.max_results));
  xml::AddText(root, "DirectoryId", std::to_string(page.directory_id));
  pugi::xml_node entries = root.append_child("Entries");
  for (const DirectoryEntry& e : page.entries) AddEntry(entries, e);
  xml::AddText(root, "NextMarker", page.next_marker);
  return xml::Serialize(doc);
}

}  // namespace arbor::azure
