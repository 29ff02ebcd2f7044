package local

import (
	"context"

	"github.com/cakebackup/cakebackup/destinations"
)

// ChooseDrive asks the user which of several removable drives to use.
type ChooseDrive func(ctx context.Context, drives []Drive) (Drive, error)

// Register adds the "folder", "downloads" and "usb" schemes to r. choose
// is asked when "usb" finds several drives; nil means there is nobody to
// ask, and the error lists the drives and how to pick one.
func Register(r *destinations.Registry, getenv func(string) string, det Detector, choose ChooseDrive) {
}
