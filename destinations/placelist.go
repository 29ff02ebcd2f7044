package destinations

import "io"

// PlaceList is what dests prints of the places available now: the table
// of [WritePlaces], or as JSON one object, {"destinations": [...]}.
type PlaceList struct {
	Places []Place `json:"destinations"`
}

// WriteText writes the list as the table of [WritePlaces].
func (l PlaceList) WriteText(w io.Writer) error { return WritePlaces(w, l.Places) }
