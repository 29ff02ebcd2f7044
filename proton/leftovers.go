package proton

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/destinations"
)

// Temporary uploads name their writer, so that a later run can tell the
// leftovers of a dead run from another run's upload in progress:
//
//	.NAME.uploading-HOST-PID-START-RANDOM
//
// HOST is the first 8 hex digits of the SHA-256 of the host name (names
// on Proton Drive are encrypted, but a host name is nobody's business),
// PID the writing process, START the Unix time the upload began, RANDOM
// 6 hex digits. A temporary upload, whether a draft (the bridge stopped
// midway) or an active file (the run died between upload and rename), is
// stale, and removed by the next backup to its folder (Reclaim), when
//
//   - it began more than staleUploadAge ago, whoever wrote it, by both
//     START and the time Proton gave the link; or
//   - it was written on this host by a process that is no longer running.
//
// A live process, or another host's young upload, is left alone. A PID
// reused since by another process only delays the removal until the age
// limit. Names of the older form ".NAME.uploading-RANDOM" go by their
// age alone.

// uploadWriter identifies the process writing a temporary upload.
type uploadWriter struct {
	host  string // 8 hex digits
	pid   int
	start int64 // Unix seconds
}

// tag is the writer's part of a temporary name: HOST-PID-START.
func (w uploadWriter) tag() string {
	return fmt.Sprintf("%s-%d-%d", w.host, w.pid, w.start)
}

// maxWriterTagBytes bounds tag: 8 + 1 + 10 (a 32-bit PID) + 1 + 10 (Unix
// seconds until the year 2286).
const maxWriterTagBytes = 30

// thisHost returns the HOST of this machine's temporary names.
func thisHost() string {
	name, err := os.Hostname()
	if err != nil {
		name = "unknown host"
	}
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:4])
}

// parseWriter returns the writer named in a temporary name of the
// current form.
func parseWriter(name string) (uploadWriter, bool) {
	i := strings.LastIndex(name, uploadingMarker)
	if i < 0 {
		return uploadWriter{}, false
	}
	parts := strings.Split(name[i+len(uploadingMarker):], "-")
	if len(parts) != 4 || len(parts[0]) != 8 {
		return uploadWriter{}, false
	}
	pid, err1 := strconv.Atoi(parts[1])
	start, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return uploadWriter{}, false
	}
	return uploadWriter{host: parts[0], pid: pid, start: start}, true
}

// leftovers says which temporary uploads are stale.
type leftovers struct {
	self uploadWriter // host and pid of this process
	// maxAge is staleUploadAge, shorter in tests.
	maxAge time.Duration
	// running reports whether a process of this host is running.
	running func(pid int) bool
}

// stale reports whether the temporary upload called name, created at
// created (the link's own time), was left by a run that is gone.
func (l leftovers) stale(name string, created, now time.Time) bool {
	w, ok := parseWriter(name)
	if !ok {
		return now.Sub(created) >= l.maxAge
	}
	// Old by age only when the link's own time (Proton's clock) agrees
	// with START (the writer's clock): a live upload from a host whose
	// clock is half a day behind would otherwise be deleted, and if its
	// rename to the final name came between our listing and the deletion,
	// the new backup would go with it.
	if now.Sub(time.Unix(w.start, 0)) >= l.maxAge && now.Sub(created) >= l.maxAge {
		return true
	}
	return w.host == l.self.host && w.pid != l.self.pid && !l.running(w.pid)
}

// Reclaim implements destinations.Reclaimer: it deletes for good the
// temporary uploads, drafts and active files, that dead runs left in the
// folder (hidden from List, but taking space, and a draft keeps its name
// taken), and says how many and how many bytes of the Drive they took.
// A folder not made yet holds none, and Reclaim does not make it.
func (d *Destination) Reclaim(ctx context.Context) (destinations.Reclaimed, error) {
	var done destinations.Reclaimed
	folderID, err := d.folder(ctx, false)
	if errors.Is(err, destinations.ErrNotFound) {
		return done, nil // no backup went there yet
	}
	if err != nil {
		return done, err
	}
	list, err := d.drive.list(ctx, folderID)
	if err != nil {
		return done, d.drive.translate(err, "looking for unfinished uploads in "+d.Spec())
	}
	var stale []string
	var size int64
	now := time.Now()
	for i := range list.links {
		l := &list.links[i]
		if l.Type != protonapi.LinkTypeFile || (l.State != protonapi.LinkStateDraft && l.State != protonapi.LinkStateActive) {
			continue
		}
		// A name that does not decrypt with our keys is not ours.
		name, err := list.name(ctx, l)
		if err != nil || !isTemporaryName(name) {
			continue
		}
		if d.leftovers.stale(name, time.Unix(l.CreateTime, 0), now) {
			stale = append(stale, l.LinkID)
			size += l.Size
		}
	}
	if len(stale) == 0 {
		return done, nil
	}
	if err := d.drive.deleteForever(ctx, folderID, stale...); err != nil {
		return done, fmt.Errorf("removing %d unfinished uploads left in %s: %w", len(stale), d.Spec(), err)
	}
	return destinations.Reclaimed{Files: len(stale), Bytes: size}, nil
}
