package backup

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/cakebackup/cakebackup/destinations"
)

// Save writes src as a backup called name to d: it creates a pending
// backup sized by EstimateSize, streams it with Write, and commits it with
// IntegrityCheck so the destination publishes only a backup that reads
// back intact. On any error the pending backup is aborted and nothing is
// left behind.
func Save(ctx context.Context, d destinations.Destination, name string, src *Source, opts WriteOptions) (destinations.Entry, *Summary, error) {
	pending, err := d.Create(ctx, name, EstimateSize(src))
	if err != nil {
		return destinations.Entry{}, nil, err
	}
	committed := false
	defer func() {
		if !committed {
			// Abort uses its own context: ctx may be why we are aborting.
			_ = pending.Abort(context.WithoutCancel(ctx))
		}
	}()
	sum, err := Write(ctx, pending, src, opts)
	if err != nil {
		return destinations.Entry{}, nil, err
	}
	// The write pipeline's chunk buffers are garbage now. Hand them back
	// before the read-back check allocates its own, so that peak memory
	// is that of one phase, not of both.
	debug.FreeOSMemory()
	entry, err := pending.Commit(ctx, IntegrityCheck)
	if err != nil {
		return destinations.Entry{}, nil, fmt.Errorf("saving %s: %w", name, err)
	}
	committed = true
	return entry, sum, nil
}
