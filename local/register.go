package local

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/diskspace"
)

// ChooseDrive asks the user which of several removable drives to use.
type ChooseDrive func(ctx context.Context, drives []Drive) (Drive, error)

// Register adds the "folder", "downloads" and "usb" schemes to r. choose
// is asked when "usb" finds several drives; nil means there is nobody to
// ask, and the error lists the drives and how to pick one. The drive
// choose picks is what "usb" means for as long as r is used: it is not
// asked again (see usbOpener).
func Register(r *destinations.Registry, getenv func(string) string, det Detector, choose ChooseDrive) {
	r.Register("folder", "folder:PATH  a folder on this computer (it must exist)", func(ctx context.Context, arg string) (destinations.Destination, error) {
		if arg == "" {
			return nil, &destinations.ArgError{Reason: "no folder given: use folder:PATH"}
		}
		return NewFolder(expandHome(arg, getenv))
	})
	r.Register("downloads", "downloads  your Downloads folder", func(ctx context.Context, arg string) (destinations.Destination, error) {
		if arg != "" {
			return nil, &destinations.ArgError{Reason: fmt.Sprintf("downloads takes no argument (got %q); for another folder use folder:PATH", arg)}
		}
		return NewDownloads(getenv)
	})
	usb := &usbOpener{det: det, choose: choose}
	r.Register("usb", "usb[:LABEL|:/MOUNT/POINT]  a USB stick or SD card, in its "+BackupFolder+" folder", usb.open)
	r.RegisterDiscovery("downloads", func(ctx context.Context) ([]destinations.Place, error) {
		dir, err := DownloadsDir(getenv)
		if err != nil {
			return nil, nil // no Downloads folder here: nothing to list
		}
		place := destinations.Place{Spec: "downloads", Kind: "downloads", Description: "your Downloads folder", Path: dir}
		if _, free, err := diskspace.Of(dir); err == nil {
			place.Free = &free // as for drives; unknown is left out
		}
		return []destinations.Place{place}, nil
	})
	r.RegisterDiscovery("usb", func(ctx context.Context) ([]destinations.Place, error) {
		drives, err := det.Drives(ctx)
		if err != nil {
			return nil, err
		}
		places := make([]destinations.Place, len(drives))
		for i, d := range drives {
			// A drive whose free space cannot be read is not listed.
			places[i] = destinations.Place{Spec: DriveSpec(d, drives), Kind: "usb", Description: "removable drive " + d.Label, Path: d.MountPoint, Free: &d.Free}
		}
		return places, nil
	})
}

// usbOpener opens the "usb" destinations of one registry. A bare "usb"
// with several drives plugged in asks choose which one; the answer holds
// for the registry's life (a watch, a scheduler in a terminal): later
// opens of "usb" use that drive, found again by what identifies it (its
// label, or its mount point when it has none or shares it: DriveSpec),
// without asking. When it is not plugged in, the open fails with the
// NoDriveError that "usb:LABEL" or "usb:/MOUNT/POINT" would give: as a
// restic repository or an rclone remote that is not there fails, the
// place a person chose is not swapped for another drive that happens to
// be plugged in (what a watch recorded as shipped to "usb", and the
// copies its retention prunes there, are the chosen drive's).
// Until a drive is chosen (no answer, or nobody to ask), each open looks
// afresh, as without the memory.
type usbOpener struct {
	det    Detector
	choose ChooseDrive

	mu sync.Mutex // held while asking, so one question is asked at a time
	// chosen is the drive choose picked (nil until one is), and byMount
	// whether its mount point, not its label, finds it (DriveSpec).
	chosen  *Drive
	byMount bool
}

func (u *usbOpener) open(ctx context.Context, arg string) (destinations.Destination, error) {
	drives, err := u.det.Drives(ctx)
	if err != nil {
		return nil, fmt.Errorf("looking for removable drives: %w", err)
	}
	drv, err := u.pick(ctx, drives, arg)
	if err != nil {
		return nil, err
	}
	d, err := NewDrive(drv, "")
	if err != nil {
		return nil, err
	}
	d.spec = DriveSpec(drv, drives)
	return d, nil
}

// pick is pickDrive, but a bare "usb" is the drive chosen before, once
// one was.
func (u *usbOpener) pick(ctx context.Context, drives []Drive, arg string) (Drive, error) {
	if arg != "" || u.choose == nil {
		return pickDrive(ctx, drives, arg, u.choose)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.chosen != nil {
		return findChosen(ctx, drives, *u.chosen, u.byMount)
	}
	if ctx.Value(noAsking{}) != nil {
		return pickDrive(ctx, drives, "", nil)
	}
	drv, err := pickDrive(ctx, drives, "", u.choose)
	if err == nil && len(drives) > 1 { // asked, and answered
		u.chosen = &drv
		u.byMount = DriveSpec(drv, drives) != "usb:"+drv.Label
	}
	return drv, err
}

// noAsking is the key of WithoutAsking's context value.
type noAsking struct{}

// WithoutAsking returns ctx for opens that ask nobody which drive: under
// it, a bare "usb" that would ask which of several drives (none chosen
// yet) fails as with nobody to ask, and asks nothing. One chosen before
// is found as always, and so is the only drive plugged in. A watch looks
// with it which stick "usb" is now, and asks only when it has something
// to ship there.
func WithoutAsking(ctx context.Context) context.Context {
	return context.WithValue(ctx, noAsking{}, true)
}

// findChosen finds the drive chosen before among drives: by its mount
// point when byMount, else by its label, exactly (a drive whose label
// differs only in case is another drive); of several with its label, the
// one at its mount point.
func findChosen(ctx context.Context, drives []Drive, chosen Drive, byMount bool) (Drive, error) {
	if byMount {
		return pickDrive(ctx, drives, chosen.MountPoint, nil)
	}
	var matches []Drive
	for _, d := range drives {
		if d.Label == chosen.Label {
			matches = append(matches, d)
		}
	}
	if len(matches) == 0 {
		return Drive{}, &NoDriveError{Want: chosen.Label, Found: drives}
	}
	for _, d := range matches {
		if d.MountPoint == chosen.MountPoint {
			return d, nil
		}
	}
	if len(matches) == 1 {
		return matches[0], nil
	}
	return Drive{}, sameLabelError(chosen.Label, matches)
}

// pickDrive chooses among drives: the one whose label or mount point is
// arg, or with arg "" the only one, or the one choose picks.
func pickDrive(ctx context.Context, drives []Drive, arg string, choose ChooseDrive) (Drive, error) {
	if len(drives) == 0 {
		return Drive{}, &NoDriveError{Want: arg}
	}
	if arg == "" {
		if len(drives) == 1 {
			return drives[0], nil
		}
		if choose == nil {
			return Drive{}, fmt.Errorf("several removable drives are plugged in: %s; pick one with usb:LABEL or usb:/MOUNT/POINT", listDrives(drives))
		}
		drv, err := choose(ctx, drives)
		if err != nil {
			return Drive{}, fmt.Errorf("choosing a drive: %w", err)
		}
		return drv, nil
	}
	if filepath.IsAbs(arg) {
		want := filepath.Clean(arg)
		for _, d := range drives {
			if d.MountPoint == want {
				return d, nil
			}
		}
		return Drive{}, &NoDriveError{Want: want, Found: drives}
	}
	var matches []Drive
	for _, d := range drives {
		if d.Label == arg {
			matches = append(matches, d)
		}
	}
	if len(matches) == 0 {
		for _, d := range drives {
			if strings.EqualFold(d.Label, arg) {
				matches = append(matches, d)
			}
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return Drive{}, &NoDriveError{Want: arg, Found: drives}
	}
	return Drive{}, sameLabelError(arg, matches)
}

// sameLabelError is the error of a label that several drives have.
func sameLabelError(label string, drives []Drive) error {
	return fmt.Errorf("several removable drives are labelled %q: %s; pick one with usb:/MOUNT/POINT", label, listDrives(drives))
}

// NoDriveError is the error of a usb destination whose drive is not
// plugged in: none is, or none has the label or mount point it names.
type NoDriveError struct {
	// Want is the label or mount point looked for; "" for any drive.
	Want string
	// Found are the removable drives that are plugged in.
	Found []Drive
}

func (e *NoDriveError) Error() string {
	switch {
	case len(e.Found) == 0 && e.Want == "":
		return "no removable drive found: plug one in, or use folder:PATH"
	case len(e.Found) == 0:
		return fmt.Sprintf("no removable drive found (looking for %q): plug one in, or use folder:PATH", e.Want)
	case filepath.IsAbs(e.Want):
		return fmt.Sprintf("no removable drive is mounted at %s; drives found: %s", e.Want, listDrives(e.Found))
	}
	return fmt.Sprintf("no removable drive labelled %q; drives found: %s", e.Want, listDrives(e.Found))
}

// Stick names the drive e looks for as a person would plug it in: "the
// USB stick" (any), "the stick mounted at /M" or "the stick labelled L".
func (e *NoDriveError) Stick() string {
	switch {
	case e.Want == "":
		return "the USB stick"
	case filepath.IsAbs(e.Want):
		return "the stick mounted at " + e.Want
	}
	return "the stick labelled " + e.Want
}

// listDrives describes drives on one line.
func listDrives(drives []Drive) string {
	parts := make([]string, len(drives))
	for i, d := range drives {
		parts[i] = d.String()
	}
	return strings.Join(parts, ", ")
}

// expandHome turns a leading "~/" into $HOME/, since the shell does not
// expand it after "folder:".
func expandHome(path string, getenv func(string) string) string {
	home := getenv("HOME")
	if home == "" {
		return path
	}
	if path == "~" {
		return home
	}
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		return filepath.Join(home, rest)
	}
	return path
}
