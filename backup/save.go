package backup

import (
	"context"
	"errors"

	"github.com/cakebackup/cakebackup/destinations"
)

// Save writes src as a backup called name to d: it creates a pending
// backup sized by EstimateSize, streams it with Write, and commits it with
// IntegrityCheck so the destination publishes only a backup that reads
// back intact. On any error the pending backup is aborted.
func Save(ctx context.Context, d destinations.Destination, name string, src *Source, opts WriteOptions) (destinations.Entry, *Summary, error) {
	return destinations.Entry{}, nil, errors.New("backup.Save: not implemented")
}
