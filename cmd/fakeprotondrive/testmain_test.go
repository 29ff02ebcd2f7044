package main

import (
	"os"
	"testing"

	"github.com/rclone/go-proton-api/server/backend"
)

// TestMain makes account creation fast, as go-proton-api's own server tests
// do: user and address keys come from one precomputed key instead of fresh
// 2048-bit RSA keys.
func TestMain(m *testing.M) {
	backend.GenerateKey = backend.FastGenerateKey
	os.Exit(m.Run())
}
