package destinations

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/cakebackup/cakebackup/bytesize"
)

// WritePlaces writes what dests says of the places available: a table
// of each one's spec, what it is, where it is and its free space (blank
// when unknown).
func WritePlaces(w io.Writer, places []Place) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DEST\tWHAT\tWHERE\tFREE")
	for _, p := range places {
		free := ""
		if p.Free != nil {
			free = bytesize.Format(*p.Free)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Spec, p.Description, p.Path, free)
	}
	return tw.Flush()
}
