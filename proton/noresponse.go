package proton

import (
	"context"
	"io"
	"runtime"
	"strings"
	"time"

	bridge "github.com/rclone/Proton-API-Bridge"
)

// go-proton-api v1.0.4's CreateFile and CreateFolder (link.go) read the
// status of the response after any error, but a request that got no
// response at all (the connection closed on every retry, or the context
// cancelled on the way) gives them a nil *resty.Response, and they panic
// with a nil pointer dereference. The same mistake in its authRefresh is
// ProtonMail/go-proton-api#236 (open). The bridge calls both on the
// caller's goroutine, so the two calls below catch that panic and return
// what happened instead: the context's error, or ErrNetwork.

// createFolder is the bridge's CreateNewFolderByID.
func createFolder(ctx context.Context, b *bridge.ProtonDrive, parentID, name string) (id string, err error) {
	defer recoverNoResponse(ctx, &err)
	return b.CreateNewFolderByID(ctx, parentID, name)
}

// uploadByReader is the bridge's UploadFileByReader.
func uploadByReader(ctx context.Context, b *bridge.ProtonDrive, folderID, name string, modTime time.Time, r io.Reader) (linkID string, err error) {
	defer recoverNoResponse(ctx, &err)
	linkID, _, err = b.UploadFileByReader(ctx, folderID, name, modTime, r, 0)
	return linkID, err
}

// recoverNoResponse, deferred, turns the nil-response panic into an
// error in *err. Any other panic goes on.
func recoverNoResponse(ctx context.Context, err *error) {
	r := recover()
	if r == nil {
		return
	}
	if re, ok := r.(runtime.Error); !ok || !strings.Contains(re.Error(), "nil pointer dereference") {
		panic(r)
	}
	if ctx.Err() != nil {
		*err = ctx.Err()
		return
	}
	*err = ErrNetwork
}
