package main

import (
	"os"
	"testing"

	"github.com/cakebackup/cakebackup/proton/protontest"
)

// TestMain makes account creation fast, as NewForTest does: the servers
// these tests start with New make cheap curve25519 keys instead of 4096-bit
// RSA keys.
func TestMain(m *testing.M) {
	protontest.UseFastKeys()
	os.Exit(m.Run())
}
