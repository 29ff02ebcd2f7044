package main

import (
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// memoryLimit is the soft limit of the Go heap (GOMEMLIMIT) unless the
// environment sets one: the garbage collector then frees the blocks the
// Proton bridge drops at once, instead of letting the heap double, so a
// create to Proton stays under 200 MiB RSS (proton/README.md). It is
// soft: a command that needs more gets more, with more GC work.
const memoryLimit = 160 << 20

// before runs before every command, after the global flags are read.
func (e *env) before(c *cli.Context) error {
	if e.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	return e.useProtonAppVersion(c)
}
