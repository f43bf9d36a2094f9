#include "azure/share_list_xml.h"

#include <algorithm>
#include <cstdint>

#include "azure/xml_util.h"

namespace arbor::azure {
namespace {

Result<ShareItem> ParseShare(const pugi::xml_node& node) {
  ShareItem s;
  ARBOR_ASSIGN_OR_RETURN(s.name, xml::Text(node, "Name", true));
  if (s.name.empty()) return Status::Corruption("share without a name");
  ARBOR_ASSIGN_OR_RETURN(s.snapshot, xml::Text(node, "Snapshot", false));
  pugi::xml_node props = node.child("Properties");
  if (!props) return Status::Corruption("share '" + s.name + "' without <Properties>");
  ARBOR_RETURN_IF_ERROR(xml::OptionalHttpDate(props, "Last-Modified", &s.last_modified));
  ARBOR_ASSIGN_OR_RETURN(s.etag, xml::Text(props, "Etag", false));
  if (props.child("Quota")) {
    ARBOR_ASSIGN_OR_RETURN(s.quota_gib, xml::Uint(props, "Quota"));
  }
  for (pugi::xml_node m : node.child("Metadata").children()) {
    if (m.type() == pugi::node_element) s.metadata[m.name()] = m.child_value();
  }
  return s;
}

void AddShare(pugi::xml_node shares, const ShareItem& s) {
  pugi::xml_node node = shares.append_child("Share");
  xml::AddText(node, "Name", s.name);
  if (!s.snapshot.empty()) xml::AddText(node, "Snapshot", s.snapshot);
  pugi::xml_node props = node.append_child("Properties");
  if (s.last_modified) xml::AddText(props, "Last-Modified", FormatHttpDate(*s.last_modified));
  if (!s.etag.empty()) xml::AddText(props, "Etag", s.etag);
  xml::AddText(props, "Quota", std::to_string(s.quota_gib));
  if (s.metadata.empty()) return;
  pugi::xml_node meta = node.append_child("Metadata");
  for (const auto& [k, v] : s.metadata) xml::AddText(meta, k.c_str(), v);
}

}  // namespace

Result<SharePage> ParseShareList(std::string_view text) {
  pugi::xml_document doc;
  ARBOR_RETURN_IF_ERROR(xml::Load(text, "EnumerationResults", &doc));
  pugi::xml_node root = doc.document_element();
  SharePage page;
  page.service_endpoint = root.attribute("ServiceEndpoint").value();
  ARBOR_ASSIGN_OR_RETURN(page.prefix, xml::Text(root, "Prefix", false));
  ARBOR_ASSIGN_OR_RETURN(page.marker, xml::Text(root, "Marker", false));
  if (root.child("MaxResults")) {
    ARBOR_ASSIGN_OR_RETURN(uint64_t max, xml::Uint(root, "MaxResults"));
    page.max_results = static_cast<uint32_t>(std::min<uint64_t>(max, UINT32_MAX));
  }
  pugi::xml_node shares = root.child("Shares");
  if (!shares) return Status::Corruption("share list without <Shares>");
  for (pugi::xml_node n : shares.children("Share")) {
    ARBOR_ASSIGN_OR_RETURN(ShareItem s, ParseShare(n));
    page.shares.push_back(std::move(s));
  }
  if (!root.child("NextMarker")) return Status::Corruption("share list without <NextMarker>");
  page.next_marker = root.child("NextMarker").child_value();
  return page;
}

std::string WriteShareList(const SharePage& page) {
  pugi::xml_document doc;
  pugi::xml_node root = xml::StartDocument(&doc, "EnumerationResults");
  root.append_attribute("ServiceEndpoint").set_value(page.service_endpoint.c_str());
  if (!page.prefix.empty()) xml::AddText(root, "Prefix", page.prefix);
  if (!page.marker.empty()) xml::AddText(root, "Marker", page.marker);
  if (page.max_results != 0) xml::AddText(root, "MaxResults", std::to_string(page.max_results));
  pugi::xml_node shares = root.append_child("Shares");
  for (const ShareItem& s : page.shares) AddShare(shares, s);
  xml::AddText(root, "NextMarker", page.next_marker);
  return xml::Serialize(doc);
}

}  // namespace arbor::azure
