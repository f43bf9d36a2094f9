// Directory objects (trees) of a real directory, encoded as version 1 and version 2
// (issue 17): bytes per file after arbor's blob codec (zstd level 3) and decode time
// per node.
//
//   tree_bench DIR [DECODE_ROUNDS]        (default 5 rounds)
//
// DIR is walked with PosixSource (real stat times, inodes, owners, xattrs); each file's
// content id is the SHA-256 of its bytes and its chunk list one chunk (the benchmark
// set's files are far below the chunker's 256 KiB minimum), its QuickXorHash computed
// from its bytes, as a backup would store them. Every directory's nodes are encoded
// both ways (and as the two version-2 variants the format was chosen against), each
// encoding is checked to decode to the same nodes, and the sizes are summed. "stored"
// adds the 30 bytes a sealed blob carries in an encrypted repository (two codec bytes,
// a 12-byte nonce, a 16-byte tag: docs/benchmarks.md, issue 17's size table).
//
// Decode time: every tree decoded DECODE_ROUNDS times per format, the formats
// alternating, the best round of each kept; per second of this thread's CPU time
// (bench/cpu_clock.h). Encode time: the same for the encoders, from the nodes kept in
// memory.
//
// Also printed, for the leaf directories (the shape of almost every tree of the set):
// what each version-2 column adds after zstd (how much smaller the frame of the
// non-hash columns gets without it), and the columns without any FlatBuffers structure
// in one frame and in two (the hashes apart), which bound what the layout can gain.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "bench/cpu_clock.h"
#include "hash/quickxor.h"
#include "hash/sha256.h"
#include "repo/blob_codec.h"
#include "repo/schema/tree_generated.h"
#include "repo/tree_codec.h"
#include "shares/posix_source.h"

namespace arbor {
namespace {

constexpr int kLevel = 3;
constexpr size_t kSealBytes = 30;

struct Sizes {
  size_t raw = 0;
  size_t zstd = 0;
};

struct Totals {
  size_t trees = 0, leaf_trees = 0, nodes = 0, files = 0, leaf_files = 0;
  std::vector<std::vector<Node>> dirs;  // every directory's nodes, for timing the encoders
  Sizes v1, v2, v2_whole_names, v2_fixed;
  Sizes leaf_v1, leaf_v2;
  std::vector<std::string> v1_trees, v2_trees;
  std::vector<std::pair<std::string, int64_t>> columns;  // leaf trees: each column's marginal bytes
  size_t split_frames = 0, others_alone = 0, one_frame = 0;
};

// What each column of a version-2 tree costs after zstd: how much smaller the frame of all
// but the hash columns gets without it (the hash columns: their raw size).
void AddColumns(const std::string& v2, Totals* t) {
  const fb::Tree* tree = fb::GetTree(v2.data());
  std::vector<std::pair<std::string, std::string>> cols;
  auto bytes = [&](const char* name, const auto* v, size_t element = 1) {
    if (v)
      cols.emplace_back(name, std::string(reinterpret_cast<const char*>(v->Data()), v->size() * element));
  };
  bytes("names", tree->names());
  bytes("content", tree->content(), 32);
  bytes("quickxor", tree->quickxor(), 1);
  bytes("subtrees", tree->subtrees(), 32);
  // The integer columns packed in `ints` (schema/tree.fbs lists them in this order).
  const uint8_t* p = tree->ints() ? tree->ints()->data() : nullptr;
  const uint8_t* end = tree->ints() ? p + tree->ints()->size() : nullptr;
  for (int c = 0; c < tree_codec_internal::kColumnCount; ++c) {
    if ((tree->columns() & (1u << c)) == 0) continue;
    const uint8_t* begin = p;
    if (c == tree_codec_internal::kChunkSizes) {
      p = end;
    } else {
      for (size_t ended = 0; ended < tree->count(); ++p) ended += *p < 0x80 ? 1 : 0;
    }
    cols.emplace_back(tree_codec_internal::kColumnNames[c],
                      std::string(reinterpret_cast<const char*>(begin), static_cast<size_t>(p - begin)));
  }
  // The same columns in two frames: the hashes, everything else (what zstd would make
  // of them if their literals did not share one Huffman table per block).
  std::string hashes, others;
  for (const auto& [name, raw] : cols) (name == "content" || name == "quickxor" ? hashes : others) += raw;
  t->split_frames += EncodeBlob(hashes, kLevel).size() + EncodeBlob(others, kLevel).size();
  t->others_alone += EncodeBlob(others, kLevel).size();
  t->one_frame += EncodeBlob(others + hashes, kLevel).size();
  size_t others_size = EncodeBlob(others, kLevel).size();
  size_t sum = 0;
  for (const auto& [name, raw] : cols) {
    std::string without;
    for (const auto& [n2, r2] : cols) {
      if (n2 != name && n2 != "content" && n2 != "quickxor") without += r2;
    }
    int64_t z =
        name == "content" || name == "quickxor"
            ? static_cast<int64_t>(raw.size())
            : static_cast<int64_t>(others_size) - static_cast<int64_t>(EncodeBlob(without, kLevel).size());
    sum += raw.size();
    const std::string& column = name;  // a lambda may not capture a structured binding
    auto it =
        std::find_if(t->columns.begin(), t->columns.end(), [&](const auto& c) { return c.first == column; });
    if (it == t->columns.end()) {
      t->columns.emplace_back(name, z);
    } else {
      it->second += z;
    }
  }
  t->columns.emplace_back("(rest of the buffer, raw)", static_cast<int64_t>(v2.size() - sum));
}

void Add(Sizes* s, const std::string& raw) {
  s->raw += raw.size();
  s->zstd += EncodeBlob(raw, kLevel).size();
}

void Die(const std::string& what) {
  std::fprintf(stderr, "tree_bench: %s\n", what.c_str());
  std::exit(1);
}

std::string Encode(Result<std::string> r) {
  if (!r.ok()) Die(r.status().ToString());
  return std::move(r).value();
}

Digest Walk(PosixSource& source, const std::string& dir, Totals* t) {
  std::vector<Node> children;
  std::vector<Status> warnings;
  Status st = source.List(dir, &children, &warnings);
  if (!st.ok()) Die(st.ToString());
  bool leaf = true;
  size_t files = 0;
  for (Node& n : children) {
    std::string path = dir + "/" + n.name;
    if (n.IsDir()) {
      leaf = false;
      n.subtree = Walk(source, path, t);
      continue;
    }
    st = source.LoadExtended(path, &n);
    if (!st.ok()) Die(st.ToString());
    if (!n.IsFile()) continue;
    ++files;
    auto data = ReadWholeFile(path);
    if (!data.ok()) Die(data.status().ToString());
    if (!data->empty()) {
      n.content = {Sha256Of(*data)};
      n.chunk_sizes = {static_cast<uint32_t>(data->size())};
    }
    n.quickxor = QuickXorOf(*data);
  }
  std::string v1 = Encode(tree_codec_internal::EncodeTreeV1(children));
  std::string v2 = Encode(EncodeTree(children));
  for (const std::string* bytes : {&v1, &v2}) {
    auto back = DecodeTree(*bytes);
    if (!back.ok() || *back != children) Die("round trip failed in " + dir);
  }
  Add(&t->v1, v1);
  Add(&t->v2, v2);
  Add(&t->v2_whole_names, Encode(tree_codec_internal::EncodeTreeV2(children, {.front_code_names = false})));
  Add(&t->v2_fixed, Encode(tree_codec_internal::EncodeTreeV2(children, {.fixed_width = true})));
  if (leaf) {
    Add(&t->leaf_v1, v1);
    Add(&t->leaf_v2, v2);
    AddColumns(v2, t);
    ++t->leaf_trees;
    t->leaf_files += files;
  }
  ++t->trees;
  t->nodes += children.size();
  t->files += files;
  Digest id = Sha256Of(v2);
  t->dirs.push_back(std::move(children));
  t->v1_trees.push_back(std::move(v1));
  t->v2_trees.push_back(std::move(v2));
  return id;
}

double EncodeAll(const std::vector<std::vector<Node>>& dirs, bool v2) {
  double start = bench::ThreadCpuSeconds();
  size_t sink = 0;
  for (const auto& nodes : dirs) {
    sink += Encode(v2 ? EncodeTree(nodes) : tree_codec_internal::EncodeTreeV1(nodes)).size();
  }
  double took = bench::ThreadCpuSeconds() - start;
  if (sink == 0) Die("nothing encoded");
  return took;
}

double DecodeAll(const std::vector<std::string>& trees) {
  double start = bench::ThreadCpuSeconds();
  size_t sink = 0;
  for (const auto& bytes : trees) {
    auto nodes = DecodeTree(bytes);
    if (!nodes.ok()) Die(nodes.status().ToString());
    sink += nodes->size();
  }
  double took = bench::ThreadCpuSeconds() - start;
  if (sink == 0) Die("no nodes decoded");
  return took;
}

void Row(const char* what, const Sizes& s, size_t trees, size_t files) {
  std::printf("%-34s %12zu %12zu %8.2f %10.2f %10.2f\n", what, s.raw, s.zstd,
              static_cast<double>(s.zstd) / static_cast<double>(s.raw),
              static_cast<double>(s.zstd) / static_cast<double>(files),
              static_cast<double>(s.zstd + kSealBytes * trees) / static_cast<double>(files));
}

}  // namespace
}  // namespace arbor

int main(int argc, char** argv) {
  using namespace arbor;
  if (argc < 2) {
    std::fprintf(stderr, "usage: tree_bench DIR [DECODE_ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  std::string root = argv[1];
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  PosixSource source;
  Totals t;
  Walk(source, root, &t);
  std::printf("%zu trees (%zu without subdirectories), %zu nodes, %zu files\n", t.trees, t.leaf_trees,
              t.nodes, t.files);
  std::printf("%-34s %12s %12s %8s %10s %10s\n", "encoding", "raw bytes", "zstd-3", "ratio", "zstd/file",
              "stored/file");
  Row("v1 (a table per node)", t.v1, t.trees, t.files);
  Row("v2 (columnar, varints)", t.v2, t.trees, t.files);
  Row("v2, names not front-coded", t.v2_whole_names, t.trees, t.files);
  Row("v2, fixed-width integer columns", t.v2_fixed, t.trees, t.files);
  Row("v1, leaf directories only", t.leaf_v1, t.leaf_trees, t.leaf_files);
  Row("v2, leaf directories only", t.leaf_v2, t.leaf_trees, t.leaf_files);

  std::printf("version-2 columns of the leaf directories, marginal bytes after zstd per file:\n");
  std::vector<std::pair<std::string, int64_t>> rest;
  for (const auto& [name, z] : t.columns) {
    if (name[0] == '(') {
      rest.emplace_back(name, z);
    } else {
      std::printf("  %-18s %8.2f\n", name.c_str(),
                  static_cast<double>(z) / static_cast<double>(t.leaf_files));
    }
  }
  int64_t other = 0;
  for (const auto& r : rest) other += r.second;
  std::printf("  %-18s %8.2f\n", "(rest, raw)",
              static_cast<double>(other) / static_cast<double>(t.leaf_files));

  std::printf("leaf columns concatenated, no FlatBuffers structure, one frame, per file: %.2f\n",
              static_cast<double>(t.one_frame) / static_cast<double>(t.leaf_files));
  std::printf("leaf columns in two frames (hashes | the rest), per file: %.2f (the rest alone %.2f)\n",
              static_cast<double>(t.split_frames) / static_cast<double>(t.leaf_files),
              static_cast<double>(t.others_alone) / static_cast<double>(t.leaf_files));

  double best_v1 = 1e30, best_v2 = 1e30;
  for (int r = 0; r < rounds; ++r) {
    best_v1 = std::min(best_v1, DecodeAll(t.v1_trees));
    best_v2 = std::min(best_v2, DecodeAll(t.v2_trees));
  }
  double per = 1e9 / static_cast<double>(t.nodes);
  std::printf("decode (best of %d rounds, CPU time): v1 %.1f ns/node, v2 %.1f ns/node\n", rounds,
              best_v1 * per, best_v2 * per);
  double enc_v1 = 1e30, enc_v2 = 1e30;
  for (int r = 0; r < rounds; ++r) {
    enc_v1 = std::min(enc_v1, EncodeAll(t.dirs, false));
    enc_v2 = std::min(enc_v2, EncodeAll(t.dirs, true));
  }
  std::printf("encode (best of %d rounds, CPU time): v1 %.1f ns/node, v2 %.1f ns/node\n", rounds,
              enc_v1 * per, enc_v2 * per);
  return 0;
}
