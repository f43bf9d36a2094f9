// Where arbor keeps a user's local state (the node index, the catalog): one rule for all
// of it, so that moving the state moves all of it.
#pragma once

#include <string>

namespace arbor {

// $ARBOR_STATE_DIR, else $XDG_STATE_HOME/arbor (when absolute, as the XDG spec asks),
// else $HOME/.local/state/arbor (HOME unset: /tmp/.local/state/arbor). Not created here.
std::string StateDir();

}  // namespace arbor
