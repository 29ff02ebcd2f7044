package proton

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/destinations"
)

// errAborted ends the upload's stream when the backup is abandoned.
var errAborted = errors.New("backup aborted")

// cleanupTimeout bounds removing a failed upload, which runs even when
// the caller's context is cancelled.
const cleanupTimeout = 2 * time.Minute

// maxNameAttempts bounds the search for a free name.
const maxNameAttempts = 1000

// upload is a backup being streamed to Proton Drive. Bytes written go
// through a pipe to the bridge's UploadFileByReader, running in its own
// goroutine, which encrypts and sends them 4 MiB block by block under a
// temporary name. Nothing but the bridge's few blocks in flight is held
// in memory, and nothing is written to disk.
type upload struct {
	dest     *Destination
	folderID string
	name     string
	tempName string
	modTime  time.Time

	pw      *io.PipeWriter
	sum     hash.Hash
	written int64

	// done is closed when the bridge returns; linkID and err are its
	// results, read only after done.
	done   chan struct{}
	linkID string
	err    error

	finished  bool // Commit or Abort was called.
	committed bool
}

// startUpload starts streaming a new backup into the folder.
func (d *Destination) startUpload(ctx context.Context, folderID, name string) (*upload, error) {
	id := make([]byte, tempIDBytes)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	now := time.Now()
	writer := d.leftovers.self
	writer.start = now.Unix()
	pr, pw := io.Pipe()
	u := &upload{
		tempName: "." + name + uploadingMarker + writer.tag() + "-" + hex.EncodeToString(id),
		dest:     d,
		folderID: folderID,
		name:     name,
		// Proton keeps whole seconds; List must show what Commit said.
		modTime: now.Truncate(time.Second),
		pw:      pw,
		sum:     sha512.New(),
		done:    make(chan struct{}),
	}
	go func() {
		defer close(u.done)
		linkID, err := uploadByReader(ctx, d.drive.bridge, folderID, u.tempName, u.modTime, pr)
		u.linkID, u.err = linkID, err
		if err == nil {
			// The bridge read to the end; a Write now would be lost.
			err = errors.New("the upload ended before its data did")
		}
		// Unblock a Write waiting on a bridge that gave up.
		pr.CloseWithError(err)
	}()
	return u, nil
}

// Write implements io.Writer.
func (u *upload) Write(p []byte) (int, error) {
	if u.finished {
		return 0, errors.New("write to a finished Proton upload")
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, err := u.pw.Write(p)
	u.sum.Write(p[:n])
	u.written += int64(n)
	if err != nil {
		<-u.done
		return n, u.dest.drive.translate(u.err, "uploading "+u.dest.location(u.name))
	}
	return n, nil
}

// Commit implements destinations.Pending: finish the upload, download it
// back and compare, run check on the downloaded bytes, and only then give
// the file its final name.
func (u *upload) Commit(ctx context.Context, check destinations.Check) (destinations.Entry, error) {
	if u.finished {
		return destinations.Entry{}, errors.New("commit of a finished Proton upload")
	}
	u.finished = true
	u.pw.Close()
	<-u.done
	if u.err != nil || u.linkID == "" {
		err := u.dest.drive.translate(cmp.Or(u.err, errors.New("no file ID")), "uploading "+u.dest.location(u.name))
		return destinations.Entry{}, errors.Join(err, u.cleanup(ctx))
	}
	if err := u.verifyAndCheck(ctx, check); err != nil {
		return destinations.Entry{}, errors.Join(err, u.cleanup(ctx))
	}
	final, err := u.publish(ctx)
	if err != nil {
		return destinations.Entry{}, errors.Join(err, u.cleanup(ctx))
	}
	u.committed = true
	return destinations.Entry{
		Name:     final,
		Size:     u.written,
		ModTime:  u.modTime,
		Location: u.dest.location(final),
	}, nil
}

// verifyAndCheck downloads the uploaded file, compares it with what was
// written, and hands it to check.
func (u *upload) verifyAndCheck(ctx context.Context, check destinations.Check) error {
	what := u.dest.location(u.name)
	got, sum, err := u.dest.downloadSum(ctx, fileRef{id: u.linkID}, "the uploaded "+what+" to verify it")
	if err != nil {
		return err
	}
	defer got.Close()
	if got.Size() != u.written || !bytes.Equal(sum, u.sum.Sum(nil)) {
		return fmt.Errorf("verifying %s: Proton Drive returned %d bytes that differ from the %d sent; the upload was removed", what, got.Size(), u.written)
	}
	if check == nil {
		return nil
	}
	if err := check(ctx, got.f, got.Size()); err != nil {
		return fmt.Errorf("checking %s after upload: %w", what, err)
	}
	return nil
}

// publish renames the verified upload to the first free name among
// NAME, NAME-2, NAME-3, ... Proton refuses a rename onto a taken name, so
// an existing file is never replaced, even one that appears meanwhile.
func (u *upload) publish(ctx context.Context) (string, error) {
	b := u.dest.drive.bridge
	_, items, err := u.dest.drive.listActive(ctx, u.folderID)
	if err != nil {
		return "", u.dest.drive.translate(err, "listing "+u.dest.Spec())
	}
	taken := make(map[string]bool, len(items))
	for _, it := range items {
		taken[it.name] = true
	}
	for n := 1; n <= maxNameAttempts; n++ {
		cand := candidateName(u.name, n)
		if taken[cand] {
			continue
		}
		err := b.MoveFileByID(ctx, u.linkID, u.folderID, cand)
		if err == nil {
			return cand, nil
		}
		if terr := u.dest.drive.translate(err, "naming "+u.dest.location(cand)); !errors.Is(terr, ErrNameTaken) {
			return "", terr
		}
	}
	return "", fmt.Errorf("no free name for %s after %d tries", u.dest.location(u.name), maxNameAttempts)
}

// Abort implements destinations.Pending.
func (u *upload) Abort(ctx context.Context) error {
	if u.finished {
		return nil
	}
	u.finished = true
	u.pw.CloseWithError(errAborted)
	<-u.done
	return u.cleanup(ctx)
}

// cleanup removes every trace of the upload: the temporary file, whether
// it is still a draft (the bridge failed midway) or already active (the
// verification or the rename failed). It runs on a context that is not
// cancelled with the caller's, so a Ctrl-C still cleans up.
func (u *upload) cleanup(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	d := u.dest
	var ids []string
	if u.linkID != "" {
		ids = append(ids, u.linkID)
	}
	links, err := d.findFiles(ctx, u.folderID, u.tempName, protonapi.LinkStateDraft, protonapi.LinkStateActive)
	if err != nil {
		return fmt.Errorf("removing the unfinished upload %s: %w", u.tempName, err)
	}
	for _, link := range links {
		if link != nil && link.LinkID != u.linkID {
			ids = append(ids, link.LinkID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	err = d.drive.deleteForever(ctx, u.folderID, ids...)
	if err == nil {
		return nil
	}
	// Proton may refuse to delete an active file outright; the trash is
	// the next best place, and recoverable.
	for _, id := range ids {
		if terr := d.drive.bridge.MoveFileToTrashByID(ctx, id); terr != nil {
			return fmt.Errorf("removing the unfinished upload %s: %w", u.tempName, err)
		}
	}
	return nil
}
