#include "repo/tree_codec.h"

#include <algorithm>

#include "repo/tree_codec_fb.h"

namespace arbor {

void SortNodes(std::vector<Node>* nodes) {
  std::sort(nodes->begin(), nodes->end(), [](const Node& a, const Node& b) { return a.name < b.name; });
}

Result<std::string> EncodeTree(const std::vector<Node>& nodes) {
  return tree_codec_internal::EncodeTreeV2(nodes, tree_codec_internal::V2Options{});
}

Result<std::vector<Node>> DecodeTree(std::string_view bytes) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  flatbuffers::Verifier verifier(data, bytes.size(), 64, 100000000);
  if (bytes.size() < 8 || !fb::TreeBufferHasIdentifier(data) || !fb::VerifyTreeBuffer(verifier)) {
    return Status::Corruption("directory object fails verification");
  }
  const fb::Tree* tree = fb::GetTree(data);
  if (tree->version() == 2) return tree_codec_internal::DecodeTreeV2(*tree);
  if (tree->version() == 1) return tree_codec_internal::DecodeTreeV1(*tree);
  return Status::Unsupported("directory object version " + std::to_string(tree->version()));
}

}  // namespace arbor
