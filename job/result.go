package job

import "github.com/cakebackup/cakebackup/destinations"

// StoreResult is one destination's outcome as a result object: its JSON
// is an element of create's and send's "destinations".
type StoreResult struct {
	Dest         string `json:"dest"`
	OK           bool   `json:"ok"`
	AlreadyThere bool   `json:"already_there,omitempty"`
	Name         string `json:"name,omitempty"`
	Location     string `json:"location,omitempty"`
	Size         int64  `json:"size,omitempty"`
	Error        string `json:"error,omitempty"`
	// Reclaimed is what interrupted earlier runs had left there and was
	// removed first; absent when nothing was.
	Reclaimed *destinations.Reclaimed `json:"reclaimed,omitempty"`
}

// Results returns each destination's outcome, with word turning an error
// into its text.
func (s Stores) Results(word func(error) string) []StoreResult {
	out := make([]StoreResult, len(s))
	for i, st := range s {
		out[i] = StoreResult{Dest: st.Dest, OK: st.Err == nil, AlreadyThere: st.AlreadyThere,
			Name: st.Entry.Name, Location: st.Entry.Location, Size: st.Entry.Size}
		if st.Err != nil {
			out[i].Error = word(st.Err)
		}
		if st.Reclaimed.Files > 0 {
			out[i].Reclaimed = &st.Reclaimed
		}
	}
	return out
}

// Saved reports whether some destination holds a verified copy of the
// made backup m, which may be nil (Make made none). Only then is its
// password worth keeping: written down for a backup saved nowhere, it
// would only be taken for the next backup's.
func (m *Made) Saved() bool { return m != nil && len(m.Stores.Good()) > 0 }

// MadeResult is a made backup as a result object: its JSON is create
// --json's, but for the generated password only the command line shows.
type MadeResult struct {
	// Location and Name are the first destination's copy's (the name
	// asked for when no copy was stored); Destinations has each.
	Location string `json:"location,omitempty"`
	Name     string `json:"name"`
	Size     int64  `json:"size"`
	Chunks   int    `json:"chunks"`
	// AppCanImport is always false: only the app's own exports can go
	// back into the app.
	AppCanImport bool   `json:"app_can_import"`
	SHA512       string `json:"inner_sha512"`
	// Verified is true when every destination holds a verified copy.
	Verified     bool          `json:"verified"`
	Destinations []StoreResult `json:"destinations"`
	Skipped      []string      `json:"skipped,omitempty"`
}

// Result returns the made backup as a result object, with word turning
// a destination's error into its text.
func (m *Made) Result(word func(error) string) MadeResult {
	out := MadeResult{
		Name:         m.Name,
		Size:         m.Summary.Size,
		Chunks:       m.Summary.Chunks,
		SHA512:       m.Summary.SHA512,
		Destinations: m.Stores.Results(word),
		Skipped:      m.Skipped,
	}
	if good := m.Stores.Good(); len(good) > 0 {
		// The name the first copy got: a destination that held the name
		// already gave it another ("NAME-2").
		out.Name, out.Location = good[0].Entry.Name, good[0].Entry.Location
		out.Verified = m.Stores.Err() == nil
	}
	return out
}

// SentResults is the files SendFiles sent as a result object: send
// --json's, one result per file.
type SentResults struct {
	Files []SentResult `json:"files"`
}

// SentResult is one file's outcome as a result object.
type SentResult struct {
	File         string        `json:"file"`
	OK           bool          `json:"ok"`
	Size         int64         `json:"size,omitempty"`
	SHA512       string        `json:"sha512,omitempty"`
	MadeBy       string        `json:"made_by,omitempty"`
	Error        string        `json:"error,omitempty"`
	ExitCode     int           `json:"exit_code,omitempty"`
	Destinations []StoreResult `json:"destinations,omitempty"`
}

// Result returns the files' outcomes as a result object, with word
// turning an error into its text and code into the exit code it ends a
// run with.
func (fs SentFiles) Result(word func(error) string, code func(error) int) SentResults {
	out := SentResults{Files: make([]SentResult, 0, len(fs))}
	for _, f := range fs {
		r := SentResult{File: f.File, OK: f.Err == nil}
		if f.Err != nil {
			r.Error, r.ExitCode = word(f.Err), code(f.Err)
		}
		if f.Sent != nil {
			r.Size, r.SHA512, r.MadeBy = f.Sent.Size, f.Sent.SHA512, f.Sent.Info.Maker().String()
			r.Destinations = f.Sent.Stores.Results(word)
		}
		out.Files = append(out.Files, r)
	}
	return out
}
