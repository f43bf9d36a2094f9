#include "azure/error_xml.h"

#include "azure/xml_util.h"

namespace arbor::azure {

Result<ServiceError> ParseErrorBody(std::string_view text) {
  pugi::xml_document doc;
  ARBOR_RETURN_IF_ERROR(xml::Load(text, "Error", &doc));
  pugi::xml_node root = doc.document_element();
  ServiceError e;
  ARBOR_ASSIGN_OR_RETURN(e.code, xml::Text(root, "Code", true));
  if (e.code.empty()) return Status::Corruption("error body with an empty <Code>");
  ARBOR_ASSIGN_OR_RETURN(e.message, xml::Text(root, "Message", false));
  ARBOR_ASSIGN_OR_RETURN(e.authentication_detail, xml::Text(root, "AuthenticationErrorDetail", false));
  return e;
}

std::string WriteErrorBody(const ServiceError& error) {
  pugi::xml_document doc;
  pugi::xml_node root = xml::StartDocument(&doc, "Error");
  xml::AddText(root, "Code", error.code);
  xml::AddText(root, "Message", error.message);
  if (!error.authentication_detail.empty()) {
    xml::AddText(root, "AuthenticationErrorDetail", error.authentication_detail);
  }
  return xml::Serialize(doc);
}

}  // namespace arbor::azure
