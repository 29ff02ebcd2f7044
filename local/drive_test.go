package local

import "testing"

func TestDriveSpec(t *testing.T) {
	wallets := Drive{Label: "WALLETS", MountPoint: "/media/ana/WALLETS"}
	twin := Drive{Label: "WALLETS", MountPoint: "/media/ana/WALLETS1"}
	other := Drive{Label: "wallets", MountPoint: "/media/ana/wallets"}
	noLabel := Drive{MountPoint: "/media/ana/0C4A-11F2"}
	tests := []struct {
		name   string
		drv    Drive
		drives []Drive
		want   string
	}{
		{"alone", wallets, nil, "usb:WALLETS"},
		{"itself in the list", wallets, []Drive{wallets}, "usb:WALLETS"},
		{"label shared", wallets, []Drive{wallets, twin}, "usb:/media/ana/WALLETS"},
		{"the other twin", twin, []Drive{wallets, twin}, "usb:/media/ana/WALLETS1"},
		{"labels differ in case only", wallets, []Drive{wallets, other}, "usb:WALLETS"},
		{"no label", noLabel, []Drive{noLabel, wallets}, "usb:/media/ana/0C4A-11F2"},
	}
	for _, tt := range tests {
		if got := DriveSpec(tt.drv, tt.drives); got != tt.want {
			t.Errorf("%s: DriveSpec = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestDriveID: a drive is known by its file system's UUID where the
// system says it, whatever its label and mount point; else by its label.
// Named says the same to people, with the label too.
func TestDriveID(t *testing.T) {
	tests := []struct {
		name      string
		drv       Drive
		id, named string
	}{
		{"UUID", Drive{Label: "WALLETS", MountPoint: "/media/ana/WALLETS", Device: "/dev/sdb1", UUID: "4A1C-9F02"}, "uuid:4A1C-9F02", "WALLETS (UUID 4A1C-9F02)"},
		{"its twin by label", Drive{Label: "WALLETS", MountPoint: "/media/ana/WALLETS", Device: "/dev/sdb1", UUID: "64E3-1A2B"}, "uuid:64E3-1A2B", "WALLETS (UUID 64E3-1A2B)"},
		{"no UUID known", Drive{Label: "WALLETS", MountPoint: "/media/ana/WALLETS1", Device: "/dev/sdc1"}, "label:WALLETS", "WALLETS"},
	}
	for _, tt := range tests {
		if got := tt.drv.ID(); got != tt.id {
			t.Errorf("%s: ID = %q, want %q", tt.name, got, tt.id)
		}
		if got := tt.drv.Named(); got != tt.named {
			t.Errorf("%s: Named = %q, want %q", tt.name, got, tt.named)
		}
	}
}

// TestNoDriveErrorStick: the drive to plug in, as the spec named it.
func TestNoDriveErrorStick(t *testing.T) {
	mount := t.TempDir() // absolute on every OS
	for _, tt := range []struct{ want, stick string }{
		{"", "the USB stick"},
		{mount, "the stick mounted at " + mount},
		{"WALLETS", "the stick labelled WALLETS"},
	} {
		if got := (&NoDriveError{Want: tt.want}).Stick(); got != tt.stick {
			t.Errorf("Stick() with Want %q = %q, want %q", tt.want, got, tt.stick)
		}
	}
}
