package local

// NewDownloads returns the destination for the user's Downloads folder
// (see DownloadsDir), creating it with mode 0700 if it is missing.
func NewDownloads(getenv func(string) string) (*Folder, error) {
	dir, err := DownloadsDir(getenv)
	if err != nil {
		return nil, err
	}
	return NewFolder(dir)
}
