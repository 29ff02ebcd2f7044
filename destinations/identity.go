package destinations

import "context"

// Identifier is a Destination that can name the stored object behind a
// backup: a file's inode and modification time on local media, a link and
// its active revision on Proton Drive. The identity changes whenever the
// stored bytes may have changed (rewritten, replaced, a new revision), so
// a backup whose identity is the one recorded when it last verified need
// not be read again. Destinations without it are simply always read.
type Identifier interface {
	// Identity returns the identity of the backup called name, or an
	// error wrapping ErrNotFound when there is no such backup.
	Identity(ctx context.Context, name string) (string, error)
}
