package local

import "errors"

// BackupFolder is the folder on a drive that backups go into.
const BackupFolder = "cake_wallet_backups"

// DriveFolder is a destination in a folder on a removable drive.
type DriveFolder struct {
	*Folder
	drive Drive
}

// NewDrive returns the destination for folder on drv, relative to its
// mount point ("" means BackupFolder), creating it with mode 0700.
func NewDrive(drv Drive, folder string) (*DriveFolder, error) {
	return nil, errors.New("usb: not implemented yet")
}

// Drive returns the drive the destination is on.
func (d *DriveFolder) Drive() Drive { return d.drive }
