package destinations

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPlaceList: the whole JSON object and the table of a list.
func TestPlaceList(t *testing.T) {
	t.Parallel()
	free := int64(0)
	tests := []struct {
		name       string
		list       PlaceList
		json, text string
	}{
		{"none", PlaceList{}, `{"destinations":null}`, "DEST  WHAT  WHERE  FREE\n"},
		{"one", PlaceList{Places: []Place{{Spec: "usb:W", Kind: "usb", Description: "removable drive W", Path: "/media/W", Free: &free}}},
			`{"destinations":[{"dest":"usb:W","spec":"usb:W","kind":"usb","description":"removable drive W","path":"/media/W","free_bytes":0}]}`,
			"DEST   WHAT               WHERE     FREE\nusb:W  removable drive W  /media/W  0 B\n"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.list)
		if err != nil || string(b) != tt.json {
			t.Errorf("%s: JSON %s, %v; want %s", tt.name, b, err, tt.json)
		}
		var out strings.Builder
		if err := tt.list.WriteText(&out); err != nil || out.String() != tt.text {
			t.Errorf("%s: text %q, %v; want %q", tt.name, out.String(), err, tt.text)
		}
	}
}
