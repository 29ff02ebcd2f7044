package destinations

import (
	"strings"
	"testing"
)

// TestWritePlaces: dests's whole table, with a free space unknown, a
// full disk, and a place with no path on this machine.
func TestWritePlaces(t *testing.T) {
	free := func(n int64) *int64 { return &n }
	tests := []struct {
		name   string
		places []Place
		want   string
	}{
		{"none", nil, "DEST  WHAT  WHERE  FREE\n"},
		{"some", []Place{
			{Spec: "downloads", Description: "Downloads folder", Path: "/home/u/Downloads", Free: free(5 << 30)},
			{Spec: "usb:WALLETS", Description: "removable drive WALLETS", Path: "/media/u/WALLETS", Free: free(0)},
			{Spec: "proton:/", Description: "Proton Drive of u@proton.me"},
			{Spec: "folder:/mnt/x", Description: "folder", Path: "/mnt/x"},
		},
			"DEST           WHAT                         WHERE              FREE\n" +
				"downloads      Downloads folder             /home/u/Downloads  5.0 GiB\n" +
				"usb:WALLETS    removable drive WALLETS      /media/u/WALLETS   0 B\n" +
				"proton:/       Proton Drive of u@proton.me                     \n" +
				"folder:/mnt/x  folder                       /mnt/x             \n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			if err := WritePlaces(&out, tc.places); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("wrote\n%q\nwant\n%q", out.String(), tc.want)
			}
		})
	}
}
