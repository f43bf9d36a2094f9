#include "restorer/mirror_delete.h"

#include <gtest/gtest.h>

#include "restorer/include_paths.h"

namespace arbor {
namespace {

using Paths = std::vector<std::string>;

TEST(MirrorRoots, AreTheBackedUpPathsNarrowedByIncludes) {
  EXPECT_EQ(MirrorRoots({"/home/u", "/etc"}, {}), (Paths{"/home/u", "/etc"}));
  // An include above a backed-up path mirrors that path only, never the folders above it.
  EXPECT_EQ(MirrorRoots({"/home/u"}, {"/"}), (Paths{"/home/u"}));
  EXPECT_EQ(MirrorRoots({"/home/u"}, {"/home"}), (Paths{"/home/u"}));
  // An include below a backed-up path narrows it.
  EXPECT_EQ(MirrorRoots({"/home/u"}, {"/home/u/docs"}), (Paths{"/home/u/docs"}));
  // An include elsewhere mirrors nothing.
  EXPECT_EQ(MirrorRoots({"/home/u"}, {"/srv"}), Paths{});
  // A sibling whose name extends the path is not below it.
  EXPECT_EQ(MirrorRoots({"/home/u"}, {"/home/u2"}), Paths{});
}

TEST(MirrorRoots, TheFoldersAboveTheDataAreNeverMirrored) {
  // A backup of /home/u restored into / with --delete: / and /home are only on the way.
  Paths roots = MirrorRoots({"/home/u"}, {});
  EXPECT_EQ(Want(roots, "/"), Wanted::kOnTheWay);
  EXPECT_EQ(Want(roots, "/home"), Wanted::kOnTheWay);
  EXPECT_EQ(Want(roots, "/etc"), Wanted::kNo);
  EXPECT_EQ(Want(roots, "/home/u/x"), Wanted::kYes);
  EXPECT_TRUE(CheckMirrorTarget("/", roots).ok());
}

TEST(MirrorRoots, ABackupOfRootIsMirroredWhole) {
  // A backup of / (or a remote snapshot, whose root is the folder itself) restored
  // elsewhere: everything in it is mirrored, --include narrows it.
  Paths roots = MirrorRoots({"/"}, {});
  EXPECT_EQ(Want(roots, "/"), Wanted::kYes);
  EXPECT_EQ(Want(roots, "/etc"), Wanted::kYes);
  EXPECT_EQ(Want(roots, "/etc/passwd"), Wanted::kYes);
  Paths narrowed = MirrorRoots({"/"}, {"/d"});
  EXPECT_EQ(narrowed, Paths{"/d"});
  EXPECT_EQ(Want(narrowed, "/"), Wanted::kOnTheWay);
  EXPECT_EQ(Want(narrowed, "/e"), Wanted::kNo);
}

TEST(CheckMirrorTarget, RefusesABackupOfRootMirroredOntoRoot) {
  EXPECT_TRUE(CheckMirrorTarget("/", MirrorRoots({"/"}, {})).Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(CheckMirrorTarget("/", MirrorRoots({"/"}, {"/"})).Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(CheckMirrorTarget("/", MirrorRoots({"/"}, {"/srv/data"})).ok());
  EXPECT_TRUE(CheckMirrorTarget("/restore", MirrorRoots({"/"}, {})).ok());
}

}  // namespace
}  // namespace arbor
