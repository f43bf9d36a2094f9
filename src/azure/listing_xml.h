// The XML body of List Directories and Files (GET ...?restype=directory&comp=list).
//
//   <EnumerationResults ServiceEndpoint=".." ShareName=".." [ShareSnapshot=".."] DirectoryPath="..">
//     <Prefix/>? <Marker/>? <MaxResults/>? <DirectoryId>n</DirectoryId>
//     <Entries>
//       <File><Name>f</Name><FileId>n</FileId><Properties><Content-Length>n</Content-Length>
//         [<CreationTime/><LastAccessTime/><LastWriteTime/><ChangeTime/><Last-Modified/><Etag/>]
//         </Properties>[<Attributes/>][<PermissionKey/>]</File>
//       <Directory>... same, without Content-Length ...</Directory>
//     </Entries>
//     <NextMarker/>   (empty when the listing is complete)
//   </EnumerationResults>
// Names that XML cannot carry come as <Name Encoded="true">percent-encoded UTF-8</Name>.
// The parser faces the network: malformed, truncated or incomplete documents give
// Status::Corruption. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "azure/model.h"
#include "base/status.h"

namespace arbor::azure {

Result<DirectoryPage> ParseDirectoryListing(std::string_view xml);
// Emits every optional field of the entries that is set; the emulator sets only those the
// request's include= asked for.
std::string WriteDirectoryListing(const DirectoryPage& page);

}  // namespace arbor::azure
