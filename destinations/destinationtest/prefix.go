package destinationtest

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/cakebackup/cakebackup/destinations"
)

// ErrNoPrefix is PrefixCheck's error for bytes that do not start with the
// prefix.
var ErrNoPrefix = errors.New("does not start with the expected prefix")

// PrefixCheck is a destinations.Check for tests of what reads backups
// (retention, checks) without real backups: the stored bytes must start
// with prefix.
func PrefixCheck(prefix string) destinations.Check {
	return func(_ context.Context, r io.ReaderAt, size int64) error {
		if size < int64(len(prefix)) {
			return ErrNoPrefix
		}
		buf := make([]byte, len(prefix))
		if _, err := r.ReadAt(buf, 0); err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if string(buf) != prefix {
			return ErrNoPrefix
		}
		return nil
	}
}
