package protontest

import (
	"os"
	"testing"

	"github.com/rclone/go-proton-api/server/backend"
)

// TestMain makes account creation fast the way go-proton-api's own server
// tests do: user and address keys come from one precomputed key instead of
// fresh 2048-bit RSA keys (about 3 s per user on a shared CI core). The
// drive keys AddUser makes client-side are still generated fresh.
func TestMain(m *testing.M) {
	backend.GenerateKey = backend.FastGenerateKey
	os.Exit(m.Run())
}
