package proton

import (
	"context"
	"fmt"
)

// Identity implements destinations.Identifier: the file's link ID and the
// ID of its active revision. Uploading new content under the same name
// makes a new revision, so the identity changes with the bytes. Reading
// it downloads no blocks.
func (d *Destination) Identity(ctx context.Context, name string) (string, error) {
	link, err := d.findBackup(ctx, name)
	if err != nil {
		return "", err
	}
	rev := ""
	if link.FileProperties != nil {
		rev = link.FileProperties.ActiveRevision.ID
	}
	return fmt.Sprintf("link=%s revision=%s", link.LinkID, rev), nil
}
