//go:build !linux

package wallettest

import "testing"

// DropCached does nothing here: the files stay cached.
func DropCached(testing.TB, string) {}
