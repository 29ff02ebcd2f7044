package destinations

import (
	"fmt"
	"os"

	"github.com/cakebackup/cakebackup/internal/didyoumean"
)

// Suggestion is what to write instead of e's spec, for after its message:
// the kinds closest to e.Kind among e.Known (known when e.Known is nil),
// and for a spec that is the name of a folder here, as rclone and restic
// take a bare path, how to write it as a folder: destination.
func (e *KindError) Suggestion(known []string) string {
	if e.Known != nil {
		known = e.Known
	}
	hint := didyoumean.Hint(e.Kind, known)
	if fi, err := os.Stat(e.Spec); err == nil && fi.IsDir() {
		hint += fmt.Sprintf(" (for the folder %s here, write folder:%s)", e.Spec, e.Spec)
	}
	return hint
}
