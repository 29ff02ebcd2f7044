package protontest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/rclone/go-proton-api"
)

// apiClient is a plain go-proton-api client on ts's session, for
// calls the bridge makes only in situations that are hard to reach
// through it.
func apiClient(t *testing.T, ts *TestServer) *proton.Client {
	t.Helper()
	m := proton.New(proton.WithHostURL(ts.URL()), proton.WithAppVersion(testAppVersion), proton.WithRetryCount(0))
	t.Cleanup(m.Close)
	c := m.NewClient(ts.Session().UID, ts.Session().AccessToken, ts.Session().RefreshToken)
	t.Cleanup(c.Close)
	return c
}

// pgpStrings returns an armored message and an armored signature made with
// a throwaway key: well-formed ciphertext the server accepts as opaque.
func pgpStrings(t *testing.T) (string, string) {
	t.Helper()
	key, err := crypto.PGP().KeyGeneration().AddUserId("t", "t@example.org").New().GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	kr, err := crypto.NewKeyRing(key)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := proton.EncryptMessageNonAead(kr, []byte("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	armored, err := msg.Armor()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := crypto.PGP().Sign().SigningKeys(kr).Detached().New()
	if err != nil {
		t.Fatal(err)
	}
	sig, err := signer.Sign([]byte("x"), crypto.Armor)
	if err != nil {
		t.Fatal(err)
	}
	return armored, string(sig)
}

func apiStatus(err error) (int, proton.Code) {
	var apiErr *proton.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Status, apiErr.Code
	}
	return 0, 0
}

func TestRouteErrors(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	drive := sessionBridge(t, ctx, sessionConfig(t, ts))
	c := apiClient(t, ts)
	share := drive.MainShare.ShareID
	root := drive.RootLink.LinkID
	email := drive.MainShare.Creator
	msg, sig := pgpStrings(t)

	folderA, err := drive.CreateNewFolderByID(ctx, root, "a")
	if err != nil {
		t.Fatal(err)
	}
	folderB, err := drive.CreateNewFolderByID(ctx, folderA, "b")
	if err != nil {
		t.Fatal(err)
	}
	fileID := upload(t, ctx, drive, root, "f.cake", []byte("content"))
	if _, _, err := drive.UploadFileByReader(ctx, root, "draft.cake", time.Now(), bytes.NewReader([]byte("d")), 1); err != nil {
		t.Fatal(err)
	}
	draft, err := drive.SearchByNameInActiveFolderByID(ctx, root, "draft.cake", true, false, proton.LinkStateDraft)
	if err != nil || draft == nil {
		t.Fatalf("draft link not found: %v", err)
	}
	fileLink, err := drive.GetLink(ctx, fileID)
	if err != nil {
		t.Fatal(err)
	}
	move := func(linkID, parentID, hash, original string) error {
		return c.MoveLink(ctx, share, linkID, proton.MoveLinkReq{
			ParentLinkID: parentID, Name: msg, Hash: hash, NameSignatureEmail: email, NodePassphrase: msg, OriginalHash: original,
		})
	}

	tests := []struct {
		name       string
		call       func() error
		wantStatus int
		wantCode   proton.Code
	}{
		{"revisions of a draft link", func() error { _, err := c.ListRevisions(ctx, share, draft.LinkID); return err }, 422, 2501},
		{"unknown link", func() error { _, err := c.GetLink(ctx, share, "nope"); return err }, 422, 2501},
		{"unknown share", func() error { _, err := c.GetShare(ctx, "nope"); return err }, 422, 2501},
		{"second draft revision", func() error {
			if _, err := c.CreateRevision(ctx, share, fileID); err != nil {
				return fmt.Errorf("first draft revision: %w", err)
			}
			_, err := c.CreateRevision(ctx, share, fileID)
			return err
		}, 409, 2500},
		{"move root", func() error { return move(root, folderA, "h1", "") }, 422, 2001},
		{"move folder into its child", func() error { return move(folderA, folderB, "h2", "") }, 422, 2001},
		{"move onto a taken name", func() error { return move(folderB, root, fileLink.Hash, "") }, 422, 2500},
		{"move with a stale original hash", func() error { return move(fileID, folderA, "h3", "stale") }, 422, 2001},
		{"plaintext folder name", func() error {
			_, err := c.CreateFolder(ctx, share, proton.CreateFolderReq{ParentLinkID: root, Name: "plain name", Hash: "h4", NodeKey: drive.RootLink.NodeKey, NodeHashKey: msg, NodePassphrase: msg, NodePassphraseSignature: sig, SignatureAddress: email})
			return err
		}, 422, 2001},
		{"commit with no uploaded blocks", func() error {
			res, err := c.CreateFile(ctx, share, proton.CreateFileReq{ParentLinkID: root, Name: msg, Hash: "h5", MIMEType: "text/plain", ContentKeyPacket: "AAAA", ContentKeyPacketSignature: sig, NodeKey: drive.RootLink.NodeKey, NodePassphrase: msg, NodePassphraseSignature: sig, SignatureAddress: email})
			if err != nil {
				return fmt.Errorf("create file: %w", err)
			}
			if _, err := c.RequestBlockUpload(ctx, proton.BlockUploadReq{AddressID: drive.MainShare.AddressID, ShareID: share, LinkID: res.ID, RevisionID: res.RevisionID, BlockList: []proton.BlockUploadInfo{{Index: 1, Size: 3, EncSignature: msg, Hash: "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="}}}); err != nil {
				return fmt.Errorf("request block upload: %w", err)
			}
			return c.CommitRevision(ctx, share, res.ID, res.RevisionID, proton.CommitRevisionReq{ManifestSignature: sig, SignatureAddress: email, XAttr: msg})
		}, 422, 2001},
		{"upload with an unknown storage token", func() error {
			return c.UploadBlock(ctx, srv.URL()+"/storage/blocks", "nope", bytes.NewReader([]byte("abc")))
		}, 403, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if status, code := apiStatus(err); status != tc.wantStatus || code != tc.wantCode {
				t.Fatalf("got %v (status %d, code %d), want status %d code %d", err, status, code, tc.wantStatus, tc.wantCode)
			}
		})
	}
}

// TestChildrenArePaged lists more children than fit one page with
// go-proton-api's own paging client (150 a page). The folders are created
// through the API with well-formed but throwaway ciphertext, which keeps
// the test fast; the bridge's decryption is covered elsewhere.
func TestChildrenArePaged(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	drive := sessionBridge(t, ctx, sessionConfig(t, ts))
	c := apiClient(t, ts)
	share, root := drive.MainShare.ShareID, drive.RootLink.LinkID
	msg, sig := pgpStrings(t)
	const n = 151
	want := map[string]bool{}
	for i := range n {
		res, err := c.CreateFolder(ctx, share, proton.CreateFolderReq{
			ParentLinkID: root, Name: msg, Hash: fmt.Sprintf("hash-%03d", i), NodeKey: drive.RootLink.NodeKey,
			NodeHashKey: msg, NodePassphrase: msg, NodePassphraseSignature: sig, SignatureAddress: drive.MainShare.Creator,
		})
		if err != nil {
			t.Fatalf("create folder %d: %v", i, err)
		}
		want[res.ID] = true
	}
	before := srv.Calls(RouteListChildren)
	links, err := c.ListChildren(ctx, share, root, true)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, l := range links {
		got[l.LinkID] = true
	}
	if len(links) != n || len(got) != n {
		t.Fatalf("listed %d links (%d distinct), want %d", len(links), len(got), n)
	}
	for id := range want {
		if !got[id] {
			t.Fatalf("link %s missing from the listing", id)
		}
	}
	// Pages 0 and 1 hold the links; page 2 is empty and ends the listing.
	if calls := srv.Calls(RouteListChildren) - before; calls != 3 {
		t.Errorf("listing took %d children calls, want 3", calls)
	}
}

// TestDownloadNeedsTheStorageToken uses plain HTTP: go-proton-api's
// GetBlock does not look at the status (it asks resty not to parse the
// response), so through it an error body would arrive as block data.
func TestDownloadNeedsTheStorageToken(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	drive := sessionBridge(t, ctx, sessionConfig(t, ts))
	fileID := upload(t, ctx, drive, drive.RootLink.LinkID, "f.cake", []byte("content"))
	var blockID string
	for _, b := range stored(t, srv).Blocks {
		if b.LinkID == fileID {
			blockID = b.ID
		}
	}
	for _, token := range []string{"", "wrong"} {
		req, err := http.NewRequest(http.MethodGet, srv.URL()+"/storage/blocks/"+blockID, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("x-pm-appversion", testAppVersion)
		if token != "" {
			req.Header.Set("pm-storage-token", token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("download with token %q: status %d, want 403", token, res.StatusCode)
		}
	}
}
