// Package proton stores backups on Proton Drive through rclone's
// Proton-API-Bridge, which encrypts every file name and block with the
// account's keys on this machine before anything leaves it; the backups
// themselves are already encrypted with the user's backup password.
//
// A Destination is one Drive folder, named by a spec such as
// "proton:/Backups/Cake". Uploads stream through the bridge under a
// temporary name, are downloaded back and compared (SHA-512) with what
// was sent, and only then are renamed to a name no other file has. Login
// sessions are cached by a SessionStore so scheduled runs need no
// password; Proton's errors become one-line errors a user can act on.
package proton

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/process"
)

// Destination is a folder on Proton Drive holding backups.
type Destination struct {
	drive *Drive
	path  folderPath
	// folderID is the folder's link ID once known; the folder is only
	// created by the first upload.
	folderID string
	// leftovers tells the temporary uploads of dead runs, which Reclaim
	// removes, from uploads in progress (see leftovers.go).
	leftovers leftovers
}

// staleUploadAge is the age past which any temporary upload is taken to
// be left by a dead run: far longer than any upload takes.
const staleUploadAge = 12 * time.Hour

// NewDestination returns the destination for the folder named by arg, the
// argument of a "proton:" spec such as "/Backups/Cake". Nothing is
// created on the Drive until the first backup is stored.
func NewDestination(d *Drive, arg string) (*Destination, error) {
	p, err := parseFolderPath(arg)
	if err != nil {
		return nil, err
	}
	return &Destination{drive: d, path: p, leftovers: leftovers{
		self:    uploadWriter{host: thisHost(), pid: os.Getpid()},
		maxAge:  staleUploadAge,
		running: process.Running,
	}}, nil
}

// Close ends the destination's connection to Proton, keeping the session.
func (d *Destination) Close() error {
	d.drive.Close(context.Background())
	return nil
}

// Spec implements destinations.Destination.
func (d *Destination) Spec() string { return "proton:" + d.path.String() }

// location returns the spec of a backup in this folder, for people.
func (d *Destination) location(name string) string {
	if len(d.path) == 0 {
		return "proton:/" + name
	}
	return d.Spec() + "/" + name
}

// folder returns the folder's link ID. Missing folders are created when
// create is set; otherwise a missing folder is ErrNotFound.
func (d *Destination) folder(ctx context.Context, create bool) (string, error) {
	if d.folderID != "" {
		return d.folderID, nil
	}
	id, err := d.drive.resolveFolder(ctx, d.path, create)
	if err != nil {
		return "", err
	}
	d.folderID = id
	return id, nil
}

// findFiles lists the folder once and returns the file called name in
// it in each of the given states, or nil for a state it is not in.
func (d *Destination) findFiles(ctx context.Context, folderID, name string, states ...protonapi.LinkState) ([]*protonapi.Link, error) {
	list, err := d.drive.list(ctx, folderID)
	if err != nil {
		return nil, d.drive.translate(err, "looking for "+d.location(name))
	}
	links := make([]*protonapi.Link, len(states))
	for i, state := range states {
		if links[i], err = list.find(name, protonapi.LinkTypeFile, state); err != nil {
			return nil, d.drive.translate(err, "looking for "+d.location(name))
		}
	}
	return links, nil
}

// findBackup returns the active file called name, or an error wrapping
// ErrNotFound.
func (d *Destination) findBackup(ctx context.Context, name string) (*protonapi.Link, error) {
	if err := checkName(name); err != nil {
		return nil, fmt.Errorf("%s: %w", d.location(name), destinations.ErrNotFound)
	}
	folderID, err := d.folder(ctx, false)
	if err != nil {
		return nil, err
	}
	links, err := d.findFiles(ctx, folderID, name, protonapi.LinkStateActive)
	if err != nil {
		return nil, err
	}
	link := links[0]
	if link == nil {
		return nil, fmt.Errorf("%s: %w", d.location(name), destinations.ErrNotFound)
	}
	return link, nil
}

// CheckFolder reports, with an error wrapping destinations.ErrNotFound,
// a folder that does not exist yet, without creating it. `ls` uses it to
// fail as for a missing local folder; a backup creates the folder.
func (d *Destination) CheckFolder(ctx context.Context) error {
	_, err := d.folder(ctx, false)
	return err
}

// List implements destinations.Destination. Uploads in progress (and
// folders) are not listed. A missing folder holds no backups (the first
// backup creates it); listing never creates it.
func (d *Destination) List(ctx context.Context) ([]destinations.Entry, error) {
	folderID, err := d.folder(ctx, false)
	if errors.Is(err, destinations.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	list, items, err := d.drive.listActive(ctx, folderID)
	if err != nil {
		return nil, d.drive.translate(err, "listing "+d.Spec())
	}
	var entries []destinations.Entry
	for _, it := range items {
		if it.folder || isTemporaryName(it.name) {
			continue
		}
		e := destinations.Entry{
			Name:     it.name,
			Size:     it.link.Size,
			ModTime:  time.Unix(it.link.ModifyTime, 0),
			Location: d.location(it.name),
		}
		// The link's own size counts encrypted blocks; the real size and
		// time are in the revision's encrypted attributes.
		size, modTime, ok, err := list.attrs(ctx, it.link)
		if err != nil {
			return nil, d.drive.translate(err, "reading the size of "+e.Location)
		}
		if ok {
			e.Size = size
			e.ModTime = modTime
		}
		entries = append(entries, e)
	}
	sort.SliceStable(entries, func(i, j int) bool {
		if !entries[i].ModTime.Equal(entries[j].ModTime) {
			return entries[i].ModTime.Before(entries[j].ModTime)
		}
		return entries[i].Name < entries[j].Name
	})
	return entries, nil
}

// Open implements destinations.Destination. The backup is downloaded,
// decrypted by the bridge, into a 0600 temporary file: what it holds is
// the backup file, itself encrypted with the backup password.
func (d *Destination) Open(ctx context.Context, name string) (destinations.Reader, error) {
	link, err := d.findBackup(ctx, name)
	if err != nil {
		return nil, err
	}
	f, err := d.download(ctx, fileRef{link: link}, d.location(name))
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Delete implements destinations.Destination. The backup goes to Proton
// Drive's trash, where its owner can still restore it.
func (d *Destination) Delete(ctx context.Context, name string) error {
	link, err := d.findBackup(ctx, name)
	if err != nil {
		return err
	}
	if err := d.drive.bridge.MoveFileToTrashByID(ctx, link.LinkID); err != nil {
		return d.drive.translate(err, "moving "+d.location(name)+" to the trash")
	}
	return nil
}

// Create implements destinations.Destination. See upload.
func (d *Destination) Create(ctx context.Context, name string, sizeHint int64) (destinations.Pending, error) {
	if err := checkBackupName(name); err != nil {
		return nil, err
	}
	if sizeHint > 0 {
		if err := d.checkRoom(ctx, sizeHint); err != nil {
			return nil, err
		}
	}
	folderID, err := d.folder(ctx, true)
	if err != nil {
		return nil, err
	}
	return d.startUpload(ctx, folderID, name)
}

// checkRoom refuses early a backup that cannot fit in the account's
// storage, rather than after uploading most of it.
func (d *Destination) checkRoom(ctx context.Context, size int64) error {
	a, err := d.drive.Account(ctx)
	if err != nil {
		return err
	}
	if a.MaxSpace <= 0 {
		return nil // Unknown: the upload will tell.
	}
	if free := a.MaxSpace - a.UsedSpace; size > free {
		return fmt.Errorf("%s: the backup needs %d bytes and the Proton account has %d free: %w", d.Spec(), size, max(free, 0), destinations.ErrNoSpace)
	}
	return nil
}
