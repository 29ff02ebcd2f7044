package protontest

import (
	"context"
	"testing"
)

func TestBridgeLogsInAndListsRoot(t *testing.T) {
	t.Parallel()
	srv := NewForTest(t, WithOptions(Options{Logf: t.Logf})).Server
	ctx := context.Background()
	drive := loginBridge(t, ctx, bridgeConfig(t, srv, testUser, testPassword))

	if drive.RootLink == nil || drive.RootLink.LinkID == "" {
		t.Fatal("no root link")
	}
	entries, err := drive.ListDirectory(ctx, drive.RootLink.LinkID)
	if err != nil {
		t.Fatalf("ListDirectory(root): %v", err)
	}
	if len(entries) != 0 {
		t.Fatalf("new account root has %d entries, want 0", len(entries))
	}
}
