package job

import (
	"context"
	"fmt"
	"strings"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
)

// Listing is what a destination holds: its backups and the other files,
// which are left alone.
type Listing struct {
	Backups []destinations.Entry
	Others  []destinations.Entry
}

// folderChecker is a destination whose folder can be missing after
// opening: a cloud folder is made by the first backup.
type folderChecker interface {
	CheckFolder(ctx context.Context) error
}

// List lists the backups at dest. A destination whose folder is missing
// fails, whatever its kind.
func List(ctx context.Context, dest destinations.Destination) (Listing, error) {
	if f, ok := dest.(folderChecker); ok {
		if err := f.CheckFolder(ctx); err != nil {
			return Listing{}, fmt.Errorf("listing %s: %w", dest.Spec(), err)
		}
	}
	entries, err := dest.List(ctx)
	if err != nil {
		return Listing{}, fmt.Errorf("listing %s: %w", dest.Spec(), err)
	}
	l := Listing{Backups: []destinations.Entry{}}
	for _, en := range entries {
		if IsBackup(ctx, dest, en) {
			l.Backups = append(l.Backups, en)
		} else {
			l.Others = append(l.Others, en)
		}
	}
	return l, nil
}

// IsBackup tells backups from other files: by the name the app and
// cakebackup give them, else by content (a v3 container or a v2 blob, as
// backup.Open recognises them from the first bytes and the container's
// directory).
func IsBackup(ctx context.Context, dest destinations.Destination, en destinations.Entry) bool {
	if strings.HasPrefix(en.Name, strings.TrimSuffix(backupPrefix, "_")) {
		return true
	}
	r, err := dest.Open(ctx, en.Name)
	if err != nil {
		return false
	}
	defer r.Close()
	_, err = backup.Open(r, r.Size())
	return err == nil
}
