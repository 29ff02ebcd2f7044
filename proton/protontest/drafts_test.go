package protontest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	bridge "github.com/rclone/Proton-API-Bridge"
	"github.com/rclone/go-proton-api"
)

// TestBridgeDraftConflicts covers the "draft exists" paths: an upload that
// stopped after its blocks (testParam 2 in the bridge) leaves a draft link;
// a new upload of the same name is refused unless ReplaceExistingDraft.
func TestBridgeDraftConflicts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		replaceDraft bool
		activeFirst  bool // the file already has an active revision
		wantErr      error
	}{
		{"draft link, keep", false, false, bridge.ErrDraftExists},
		{"draft link, replace", true, false, nil},
		{"draft revision on active file, keep", false, true, bridge.ErrDraftExists},
		{"draft revision on active file, replace", true, true, nil},
	}
	// The cases share an account, each with its own client and file name:
	// a draft is a property of one name in one folder.
	ts := NewForTest(t)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := sessionConfig(t, ts)
			cfg.ReplaceExistingDraft = tc.replaceDraft
			drive := sessionBridge(t, ctx, cfg)
			root := drive.RootLink.LinkID
			name := fmt.Sprintf("b%d.cake", i)

			if tc.activeFirst {
				// Made by the server (see MakeFile): the bridge's upload of
				// an active file is covered elsewhere.
				ts.MakeFile(root, name, []byte("first"), time.Now())
			}
			if _, _, err := drive.UploadFileByReader(ctx, root, name, time.Now(), bytes.NewReader([]byte("interrupted")), 2); err != nil {
				t.Fatalf("interrupted upload: %v", err)
			}
			want := []byte("second")
			id, _, err := drive.UploadFileByReader(ctx, root, name, time.Now(), bytes.NewReader(want), 0)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("upload over a draft: got %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr != nil {
				return
			}
			if got := download(t, ctx, drive, id); !bytes.Equal(got, want) {
				t.Fatalf("downloaded %q, want %q", got, want)
			}
			link, err := drive.GetLink(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			drafts, err := drive.GetRevisions(ctx, link, proton.RevisionStateDraft)
			if err != nil || len(drafts) != 0 {
				t.Fatalf("draft revisions left: %d, %v", len(drafts), err)
			}
		})
	}
}
