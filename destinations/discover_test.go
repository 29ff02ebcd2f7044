package destinations

import (
	"encoding/json"
	"testing"
)

// A Place's JSON names it by its spec under "dest" first, then under
// "spec" with its other keys; unknown free space and a place off this
// machine leave theirs out. It reads back into a Place.
func TestPlaceJSON(t *testing.T) {
	free := int64(0)
	for _, tt := range []struct {
		name string
		p    Place
		want string
	}{
		{"full drive", Place{Spec: "usb:W", Kind: "usb", Description: "removable drive W", Path: "/media/W", Free: &free},
			`{"dest":"usb:W","spec":"usb:W","kind":"usb","description":"removable drive W","path":"/media/W","free_bytes":0}`},
		{"cloud", Place{Spec: "proton:/", Kind: "proton", Description: "Proton Drive"},
			`{"dest":"proton:/","spec":"proton:/","kind":"proton","description":"Proton Drive"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Fatalf("JSON\n%s\nwant\n%s", b, tt.want)
			}
			var back Place
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if back.Spec != tt.p.Spec || back.Path != tt.p.Path || (back.Free == nil) != (tt.p.Free == nil) {
				t.Errorf("read back %+v, want %+v", back, tt.p)
			}
		})
	}
}
